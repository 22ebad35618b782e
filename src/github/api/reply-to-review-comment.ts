import type { GitHubMarkdown } from "../render/render-for-github.js";
import { type GitHubClient, splitRepo } from "./github-client.js";

/** Replies in a review comment's thread; the body comes from the one renderer. */
export async function replyToReviewComment(params: {
  client: GitHubClient;
  repo: string;
  number: number;
  commentId: number;
  body: GitHubMarkdown;
}): Promise<number> {
  const { data } = await params.client.request(
    "POST /repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies",
    {
      ...splitRepo(params.repo),
      pull_number: params.number,
      comment_id: params.commentId,
      body: params.body,
    },
  );
  return Number(data.id);
}
