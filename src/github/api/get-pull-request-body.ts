import { type GitHubClient, splitRepo } from "./github-client.js";

/**
 * A pull request's body as it is now, only to append to it (the app's report). Never a task:
 * the task text is frozen from the triggering payload.
 */
export async function getPullRequestBody(params: {
  client: GitHubClient;
  repo: string;
  number: number;
}): Promise<string> {
  const { data } = await params.client.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", {
    ...splitRepo(params.repo),
    pull_number: params.number,
  });
  return data.body ?? "";
}
