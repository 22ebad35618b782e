import { splitRepo, type GitHubClient } from "./github-client.js";

/** 👀 on the `/fix` comment, or on the issue for a label: "seen, queued". */
export async function addReaction(params: { client: GitHubClient; repo: string; number: number; commentId: number | null }): Promise<void> {
  const where = splitRepo(params.repo);
  if (params.commentId !== null) {
    await params.client.request("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", { ...where, comment_id: params.commentId, content: "eyes" });
  } else {
    await params.client.request("POST /repos/{owner}/{repo}/issues/{issue_number}/reactions", { ...where, issue_number: params.number, content: "eyes" });
  }
}
