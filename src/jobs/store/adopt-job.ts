import type { Job } from "../job-schema.js";
import type { StoreContext } from "./store-context.js";

/**
 * A worker's copy of a job the webhook receiver dispatched (Redis queue mode): stored under the
 * receiver's id, as `running`, so the job stages read and update it exactly as on one box. A row
 * this worker left `running` for the same target (its process was killed mid-job and the session
 * went to another worker) is closed as failed first: only one session per target runs anywhere.
 */
export function adoptJob(ctx: StoreContext, job: Job): Job {
  const { db } = ctx;
  return ctx.transaction(() => {
    const at = ctx.now();
    db.prepare(
      "UPDATE jobs SET status = 'failed', error = 'taken over by another worker', finished_at = ?, updated_at = ? WHERE repo = ? AND number = ? AND status IN ('pending', 'queued', 'running') AND id <> ?",
    ).run(at, at, job.repo, job.number, job.id);
    // A delivery id or comment id is unique; an older row of this worker holding one is stale.
    db.prepare(
      "DELETE FROM jobs WHERE id <> ? AND (delivery_id = ? OR (comment_id IS NOT NULL AND comment_id = ?))",
    ).run(job.id, job.deliveryId, job.commentId);
    db.prepare(
      `INSERT INTO jobs (id, delivery_id, repo, installation_id, target, number, trigger_kind, actor, instructions, comment_id, payload,
         status, attempts, created_at, started_at, updated_at, check_run_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET status = 'running', attempts = excluded.attempts, started_at = excluded.started_at,
         finished_at = NULL, outcome = NULL, error = NULL, updated_at = excluded.updated_at, check_run_id = excluded.check_run_id`,
    ).run(
      job.id,
      job.deliveryId,
      job.repo,
      job.installationId,
      job.target,
      job.number,
      job.trigger,
      job.actor,
      job.instructions,
      job.commentId,
      JSON.stringify(job.payload),
      job.attempts,
      job.createdAt,
      at,
      at,
      job.checkRunId,
    );
    return ctx.mustGet(job.id);
  });
}
