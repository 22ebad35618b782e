import type { GitHubClient } from "./github-client.js";

/**
 * An installation token limited to one repository and the permissions a job needs, minted just
 * before it is used (tokens live an hour) and revoked when the job ends.
 */
export async function mintRepoToken(params: { appClient: GitHubClient; installationId: number; repoName: string }): Promise<string> {
  const { data } = await params.appClient.request("POST /app/installations/{installation_id}/access_tokens", {
    installation_id: params.installationId,
    repositories: [params.repoName],
    permissions: { contents: "write", pull_requests: "write", issues: "write", checks: "write", metadata: "read" },
  });
  return data.token;
}
