import { z } from "zod";

/** What the webhook receiver puts on the Redis queue for one delivery; the worker gets it back. */
export const queuedWorkSchema = z.object({
  /** GitHub's delivery id (`X-GitHub-Delivery`): the BullMQ job id, so a redelivery is the same job. */
  deliveryId: z
    .string()
    .min(1)
    .max(200)
    // BullMQ refuses custom ids that are whole numbers or contain a colon.
    .regex(/^(?!\d+$)[^:]+$/, "a delivery id must not be a whole number or contain a colon (BullMQ job ids cannot)"),
  /** `owner/name` of the repository. */
  repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, "repo must be owner/name"),
  /** The issue or pull request number: with `repo`, the target (at most one waiting job each). */
  number: z.number().int().positive(),
  /** What the worker needs to run the job (the frozen task, the trigger); opaque to the queue. */
  payload: z.record(z.string(), z.unknown()),
});
export type QueuedWork = z.infer<typeof queuedWorkSchema>;

/** The target's key: one waiting job per target, so a newer `/fix` replaces a queued one. */
export function targetKey(work: Pick<QueuedWork, "repo" | "number">): string {
  return `${work.repo}#${work.number}`;
}
