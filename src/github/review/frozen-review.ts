import { z } from "zod";

/**
 * A pull request review as it was submitted, frozen from the `pull_request_review.submitted`
 * payload and stored with the job. The review's own text is never fetched again: an edit made
 * after the writer submitted it must not reach the model (DESIGN §6 "Review iteration").
 */
export const FrozenReviewSchema = z.object({
  /** The review's id (its comments carry it as `pull_request_review_id`). */
  id: z.int().positive(),
  /** The review body as submitted ("" when there was none). */
  body: z.string(),
  /** `changes_requested`, `commented`, or (only with a `/fix` body) `approved`. */
  state: z.string(),
  /** When the review was submitted (ISO 8601): comments created or edited later are not part of it. */
  submittedAt: z.string(),
  /** Login and id of the reviewer, the writer whose permission is checked and who is asked to review again. */
  reviewer: z.object({ login: z.string().min(1), id: z.int() }),
  /** The review body starts with `/fix`: it runs on any same-repository pull request, not only the app's own. */
  byFix: z.boolean(),
  /** Login of the pull request's author at submission time (the app's own bot, unless `byFix`). */
  prAuthor: z.string(),
  /** The pull request's head branch at submission time (`local-agent/issue-<n>-<job>` for the app's own). */
  headRef: z.string(),
});
export type FrozenReview = z.output<typeof FrozenReviewSchema>;

/** The stored review of a job, or null for jobs that are not review iterations. */
export function readFrozenReview(payload: Record<string, unknown>): FrozenReview | null {
  const parsed = FrozenReviewSchema.safeParse(payload.review);
  return parsed.success ? parsed.data : null;
}
