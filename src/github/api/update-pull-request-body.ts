import type { GitHubMarkdown } from "../render/render-for-github.js";
import { type GitHubClient, splitRepo } from "./github-client.js";

/** Replaces a pull request's body with one the renderer produced. */
export async function updatePullRequestBody(params: {
  client: GitHubClient;
  repo: string;
  number: number;
  body: GitHubMarkdown;
}): Promise<void> {
  await params.client.request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", {
    ...splitRepo(params.repo),
    pull_number: params.number,
    body: params.body,
  });
}
