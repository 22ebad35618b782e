import type { GitHubClient } from "../../github/api/github-client.js";
import { type ListedReviewComment, listReviewComments } from "../../github/api/list-review-comments.js";
import type { FrozenReview } from "../../github/review/frozen-review.js";
import { type ReviewCommentSnapshot, snapshotReviewComment } from "../../github/review/review-comment-snapshot.js";
import type { JobStore } from "../../jobs/open-job-store.js";

/** A review comment the task leaves out, and why; `reply` says whether its thread is told. */
export type ExcludedComment = { comment: ReviewCommentSnapshot; reason: string; reply: boolean };

/**
 * The review's comments as the reviewer submitted them. GitHub's list says which comments belong
 * to the review (and on which lines); the text is the one its webhook delivered (kept by the
 * handler), or the listed one only when GitHub says it was not touched after the review was
 * submitted. Comments by anyone but the reviewer, or made after the review, never get in.
 */
export async function collectReviewComments(params: {
  client: GitHubClient;
  store: JobStore;
  repo: string;
  number: number;
  review: FrozenReview;
}): Promise<{ used: ReviewCommentSnapshot[]; excluded: ExcludedComment[] }> {
  const { review } = params;
  const listed = await listReviewComments({
    client: params.client,
    repo: params.repo,
    number: params.number,
    reviewId: review.id,
  });
  const kept = new Map(params.store.reviewComments(params.repo, review.id).map((c) => [c.id, c]));
  const submitted = Date.parse(review.submittedAt);
  const used: ReviewCommentSnapshot[] = [];
  const excluded: ExcludedComment[] = [];
  for (const item of listed) {
    const current = snapshotReviewComment({ comment: item, number: params.number });
    if (!current) continue;
    const comment = kept.get(current.id) ?? current;
    const verdict = judge({ item, comment, fromWebhook: kept.has(current.id), review, submitted });
    if (verdict === null) used.push(comment);
    else excluded.push({ comment, ...verdict });
  }
  return { used, excluded };
}

function judge(params: {
  item: ListedReviewComment;
  comment: ReviewCommentSnapshot;
  fromWebhook: boolean;
  review: FrozenReview;
  submitted: number;
}): { reason: string; reply: boolean } | null {
  const { comment, review, submitted } = params;
  const byReviewer =
    review.reviewer.id !== 0 ? comment.user.id === review.reviewer.id : comment.user.login === review.reviewer.login;
  // Someone else's words in the reviewer's review would be a way to put text before the model.
  if (!byReviewer) return { reason: `written by @${comment.user.login}, not by the reviewer`, reply: false };
  if (!(Date.parse(comment.createdAt) <= submitted))
    return { reason: "made after the review was submitted", reply: false };
  if (params.fromWebhook) return null;
  const updated = Date.parse(params.item.updated_at ?? "");
  if (updated <= submitted) return null;
  return {
    reason:
      "it was edited after the review was submitted, and local-agent acts only on the text as submitted; submit a new review to ask for the change",
    reply: true,
  };
}
