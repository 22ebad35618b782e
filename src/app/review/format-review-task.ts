import type { FrozenReview } from "../../github/review/frozen-review.js";
import type { ReviewCommentSnapshot } from "../../github/review/review-comment-snapshot.js";

/**
 * The review as the model reads it: the review body, then each comment with its file, lines, the
 * diff hunk GitHub showed the reviewer and the text. The hunk is fenced with more backticks than
 * it contains, so it cannot close its own fence.
 */
export function formatReviewTask(params: { review: FrozenReview; comments: readonly ReviewCommentSnapshot[] }): string {
  const { review } = params;
  const state = review.state === "changes_requested" ? "requested changes" : "commented";
  const body = review.byFix ? review.body.replace(/^\s*\/fix[ \t]*/, "") : review.body;
  const parts = [
    `A review of this pull request by @${review.reviewer.login} (${state}). Address the review body and every comment below, then run the tests.`,
  ];
  if (body.trim()) parts.push("", "Review:", body.trim());
  params.comments.forEach((comment, index) => {
    const lines =
      comment.line === null
        ? "the file"
        : comment.startLine !== null && comment.startLine !== comment.line
          ? `lines ${comment.startLine}-${comment.line}`
          : `line ${comment.line}`;
    const longest = Math.max(2, ...[...comment.diffHunk.matchAll(/`+/g)].map((m) => m[0].length));
    const fence = "`".repeat(longest + 1);
    parts.push("", `### Comment ${index + 1}: \`${comment.path}\`, ${lines}`);
    if (comment.diffHunk) parts.push(`${fence}diff`, comment.diffHunk, fence);
    parts.push(comment.body.trim() || "(no text)");
  });
  return parts.join("\n");
}
