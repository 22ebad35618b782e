import type { GitHubPart } from "../../github/render/render-for-github.js";

/** What a review iteration tells GitHub besides the check run (published by `publishReview`). */
export type ReviewAnswers = {
  /** The pull request. */
  number: number;
  /** The reviewer, asked to review again. */
  reviewer: string;
  /** One reply per review comment thread: what was done (with the commit) or why not. */
  replies: { commentId: number; parts: GitHubPart[] }[];
  /** The section appended to the pull request's body for this iteration. */
  section: GitHubPart[];
};
