import { splitRepo, type GitHubClient } from "./github-client.js";

/** The commit a branch points at. */
export async function getBranchSha(params: { client: GitHubClient; repo: string; branch: string }): Promise<string> {
  const { data } = await params.client.request("GET /repos/{owner}/{repo}/git/ref/{ref}", { ...splitRepo(params.repo), ref: `heads/${params.branch}` });
  return data.object.sha;
}
