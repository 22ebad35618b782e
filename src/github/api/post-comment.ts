import type { GitHubMarkdown } from "../render/render-for-github.js";
import { splitRepo, type GitHubClient } from "./github-client.js";

/** Posts an issue or pull request comment; the body comes from the one renderer (redacted, inert, within GitHub's limit). */
export async function postComment(params: { client: GitHubClient; repo: string; number: number; body: GitHubMarkdown }): Promise<number> {
  const { data } = await params.client.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
    ...splitRepo(params.repo),
    issue_number: params.number,
    body: params.body,
  });
  return Number(data.id);
}
