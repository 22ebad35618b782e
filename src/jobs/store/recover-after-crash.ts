import type { RecoveryResult } from "../job-schema.js";
import { jobFromRow } from "./job-from-row.js";
import type { StoreContext } from "./store-context.js";

/**
 * Call once at start, before any job runs: every `running` job was left by a dead process. It
 * runs again if it has attempts left (`attempts < maxAttempts`), else fails; a cancel requested
 * before the crash, or a newer waiting `/fix`, wins over retrying.
 */
export function recoverAfterCrash(ctx: StoreContext, params: { maxAttempts: number }): RecoveryResult {
  const { db } = ctx;
  return ctx.transaction((): RecoveryResult => {
    const at = ctx.now();
    const result: RecoveryResult = { requeued: [], failed: [], cancelled: [], superseded: [], pending: [] };
    const waitingFor = db.prepare("SELECT id FROM jobs WHERE repo = ? AND number = ? AND status IN ('pending', 'queued')");
    for (const job of db.prepare("SELECT * FROM jobs WHERE status = 'running' ORDER BY id").all().map(jobFromRow)) {
      const newer = waitingFor.get(job.repo, job.number);
      if (job.cancelRequested) {
        db.prepare("UPDATE jobs SET status = 'cancelled', finished_at = ?, updated_at = ?, error = ?, github_wait = NULL WHERE id = ?").run(
          at,
          at,
          "cancelled; local-agent stopped before the run finished",
          job.id,
        );
        result.cancelled.push(ctx.mustGet(job.id));
      } else if (newer) {
        ctx.supersede(job, Number(newer.id), at);
        result.superseded.push(ctx.mustGet(job.id));
      } else if (job.attempts >= params.maxAttempts) {
        const error = `local-agent stopped while this job was running, ${job.attempts} time${job.attempts === 1 ? "" : "s"}; not retrying (the limit is ${params.maxAttempts})`;
        db.prepare("UPDATE jobs SET status = 'failed', finished_at = ?, updated_at = ?, error = ?, github_wait = NULL WHERE id = ?").run(at, at, error, job.id);
        result.failed.push(ctx.mustGet(job.id));
      } else {
        db.prepare("UPDATE jobs SET status = 'queued', started_at = NULL, updated_at = ?, github_wait = NULL WHERE id = ?").run(at, job.id);
        result.requeued.push(ctx.mustGet(job.id));
      }
    }
    result.pending = db.prepare("SELECT * FROM jobs WHERE status = 'pending' ORDER BY id").all().map(jobFromRow);
    return result;
  });
}
