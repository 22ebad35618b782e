import { z } from "zod";
import { NewJobSchema, type InsertResult, type NewJob } from "../job-schema.js";
import { jobFromRow } from "./job-from-row.js";
import type { StoreContext } from "./store-context.js";

/**
 * Stores a webhook's job in one transaction. A redelivery (same delivery id) or the same `/fix`
 * comment is never stored twice; a label on a target that already has an active job is a no-op;
 * a `/fix` comment supersedes the target's waiting job (a running one is left alone).
 */
export function insertJob(ctx: StoreContext, newJob: NewJob): InsertResult {
  const parsed = NewJobSchema.safeParse(newJob);
  if (!parsed.success) throw new Error(`the job to store is invalid:\n${z.prettifyError(parsed.error)}`);
  const job = parsed.data;
  const { db } = ctx;
  return ctx.transaction((): InsertResult => {
    const sameDelivery = db.prepare("SELECT * FROM jobs WHERE delivery_id = ?").get(job.deliveryId);
    if (sameDelivery) return { inserted: false, reason: "duplicate_delivery", existing: jobFromRow(sameDelivery) };
    if (job.commentId !== null) {
      const sameComment = db.prepare("SELECT * FROM jobs WHERE comment_id = ?").get(job.commentId);
      if (sameComment) return { inserted: false, reason: "duplicate_comment", existing: jobFromRow(sameComment) };
    }
    const active = db
      .prepare("SELECT * FROM jobs WHERE repo = ? AND number = ? AND status IN ('pending', 'queued', 'running') ORDER BY id")
      .all(job.repo, job.number)
      .map(jobFromRow);
    const waiting = active.filter((candidate) => candidate.status !== "running");
    if (job.trigger === "label" && active.length > 0) {
      // Prefer the waiting job: it is the one this trigger would have become.
      const existing = waiting[0] ?? active[0];
      if (existing) return { inserted: false, reason: "already_active", existing };
    }
    const at = ctx.now();
    // Supersede before inserting: the one-waiting-job index would refuse the new row otherwise.
    for (const old of waiting) ctx.supersede(old, null, at);
    const result = db
      .prepare(
        `INSERT INTO jobs (delivery_id, repo, installation_id, target, number, trigger_kind, actor, instructions,
           comment_id, payload, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
      )
      .run(job.deliveryId, job.repo, job.installationId, job.target, job.number, job.trigger, job.actor, job.instructions, job.commentId, JSON.stringify(job.payload), at, at);
    const id = Number(result.lastInsertRowid);
    for (const old of waiting) db.prepare("UPDATE jobs SET superseded_by = ? WHERE id = ?").run(id, old.id);
    return { inserted: true, job: ctx.mustGet(id), superseded: waiting.map((old) => ctx.mustGet(old.id)) };
  });
}
