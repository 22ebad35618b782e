import { z } from "zod";

/**
 * One review comment as its `pull_request_review_comment` webhook delivered it, kept so that the
 * task uses the text the reviewer submitted even when the comment is edited before the job runs.
 */
export const ReviewCommentSnapshotSchema = z.object({
  /** The comment's id (threads are replied to by it). */
  id: z.int().positive(),
  /** The review it belongs to (null for a comment GitHub delivered without one). */
  reviewId: z.int().positive().nullable(),
  /** The pull request number. */
  number: z.int().positive(),
  /** The commenter's login and id; only the reviewer's own comments are used. */
  user: z.object({ login: z.string(), id: z.int() }),
  /** The file the comment is on (repository-relative). */
  path: z.string(),
  /** The last line it covers (null for a comment on a whole file or an outdated line). */
  line: z.int().nullable(),
  /** The first line of a multi-line comment, else null. */
  startLine: z.int().nullable(),
  /** The diff hunk GitHub shows above the comment. */
  diffHunk: z.string(),
  /** The text as first delivered. */
  body: z.string(),
  /** When the comment was created (ISO 8601). */
  createdAt: z.string(),
  /** The comment it replies to, when it is a reply in an existing thread. */
  inReplyTo: z.int().positive().nullable(),
});
export type ReviewCommentSnapshot = z.output<typeof ReviewCommentSnapshotSchema>;

/** The fields of a review comment (webhook payload or REST answer) a snapshot is made of. */
export interface ReviewCommentFields {
  id?: number;
  pull_request_review_id?: number | null;
  user?: { login?: string; id?: number } | null;
  path?: string;
  line?: number | null;
  original_line?: number | null;
  start_line?: number | null;
  original_start_line?: number | null;
  diff_hunk?: string;
  body?: string;
  created_at?: string;
  in_reply_to_id?: number;
}

/**
 * A snapshot of a review comment; `body` overrides the comment's current text (for an `edited`
 * webhook, its `changes.body.from` is the text before the edit). Null when a field is missing.
 */
export function snapshotReviewComment(params: {
  comment: ReviewCommentFields;
  number: number;
  body?: string;
}): ReviewCommentSnapshot | null {
  const { comment } = params;
  const parsed = ReviewCommentSnapshotSchema.safeParse({
    id: comment.id,
    reviewId: comment.pull_request_review_id ?? null,
    number: params.number,
    user: { login: comment.user?.login ?? "", id: comment.user?.id ?? 0 },
    path: comment.path,
    line: comment.line ?? comment.original_line ?? null,
    startLine: comment.start_line ?? comment.original_start_line ?? null,
    diffHunk: comment.diff_hunk ?? "",
    body: params.body ?? comment.body ?? "",
    createdAt: comment.created_at ?? "",
    inReplyTo: comment.in_reply_to_id ?? null,
  });
  return parsed.success ? parsed.data : null;
}
