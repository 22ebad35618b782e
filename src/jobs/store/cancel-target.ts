import type { CancelResult } from "../job-schema.js";
import { jobFromRow } from "./job-from-row.js";
import type { StoreContext } from "./store-context.js";

/** Cancels the target's waiting jobs and flags its running one `cancelRequested` (whoever runs it stops it). */
export function cancelTarget(ctx: StoreContext, repo: string, number: number): CancelResult {
  const { db } = ctx;
  return ctx.transaction((): CancelResult => {
    const at = ctx.now();
    const result: CancelResult = { cancelled: [], running: null };
    const active = db.prepare("SELECT * FROM jobs WHERE repo = ? AND number = ? AND status IN ('pending', 'queued', 'running') ORDER BY id").all(repo, number).map(jobFromRow);
    for (const job of active) {
      if (job.status === "running") {
        db.prepare("UPDATE jobs SET cancel_requested = 1, updated_at = ? WHERE id = ?").run(at, job.id);
        result.running = ctx.mustGet(job.id);
      } else {
        db.prepare("UPDATE jobs SET status = 'cancelled', finished_at = ?, updated_at = ?, error = 'cancelled before it started', github_wait = NULL WHERE id = ?").run(at, at, job.id);
        result.cancelled.push(ctx.mustGet(job.id));
      }
    }
    return result;
  });
}
