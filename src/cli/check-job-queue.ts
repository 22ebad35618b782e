import fs from "node:fs";
import path from "node:path";
import { openJobStore } from "../jobs/open-job-store.js";

/**
 * `doctor`'s look at the app's job queue (when its database exists): how many jobs wait or run,
 * and every job stuck because GitHub failed its intake or publishing, with the last failure and
 * when it is tried again. Reads the database the running app writes (SQLite WAL allows that).
 */
export function checkJobQueue(params: { dataDir: string; now: () => Date }): { ok: boolean; detail: string }[] {
  const file = path.join(params.dataDir, "jobs.sqlite");
  if (!fs.existsSync(file)) return [];
  let store;
  try {
    store = openJobStore({ file, now: params.now });
  } catch (error) {
    return [{ ok: false, detail: `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}` }];
  }
  try {
    const counts = store.counts();
    const waiting = store.waitingOnGitHub();
    const lines = [{ ok: waiting.length === 0, detail: `${counts.pending} pending, ${counts.queued} queued, ${counts.running} running; ${waiting.length === 0 ? "none" : waiting.length} waiting on GitHub (${file})` }];
    for (const job of waiting) {
      const wait = job.githubWait;
      if (!wait) continue;
      const next = wait.retryAt ? `, next attempt ${wait.retryAt}` : "";
      lines.push({ ok: false, detail: `job ${job.id} ${job.repo}#${job.number}: GitHub failed its ${wait.stage} ${wait.attempts} time(s) since ${wait.since}${next}; last: ${wait.reason}` });
    }
    return lines;
  } finally {
    store.close();
  }
}
