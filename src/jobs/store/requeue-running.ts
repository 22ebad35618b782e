import type { Job } from "../job-schema.js";
import type { StoreContext } from "./store-context.js";

/**
 * Gives a running job back to the queue after an orderly shutdown (the attempt is not counted),
 * or, when a newer job for the same target waits, supersedes it. Null when it was not running.
 */
export function requeueRunning(ctx: StoreContext, id: number): Job | null {
  return ctx.transaction(() => {
    const job = ctx.getJob(id);
    if (!job || job.status !== "running") return null;
    const at = ctx.now();
    const newer = ctx.db.prepare("SELECT id FROM jobs WHERE repo = ? AND number = ? AND status IN ('pending', 'queued')").get(job.repo, job.number);
    if (newer) ctx.supersede(job, Number(newer.id), at);
    else ctx.db.prepare("UPDATE jobs SET status = 'queued', attempts = MAX(attempts - 1, 0), started_at = NULL, updated_at = ? WHERE id = ?").run(at, id);
    return ctx.mustGet(id);
  });
}
