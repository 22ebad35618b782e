import { splitRepo, type GitHubClient } from "./github-client.js";

export interface PullRequestInfo {
  title: string;
  body: string;
  headSha: string;
  headRef: string;
  /** `owner/name` of the head repository (differs from the base for forks; null if deleted). */
  headRepo: string | null;
  baseRef: string;
  state: string;
}

export async function getPullRequest(params: { client: GitHubClient; repo: string; number: number }): Promise<PullRequestInfo> {
  const { data } = await params.client.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { ...splitRepo(params.repo), pull_number: params.number });
  return {
    title: data.title,
    body: data.body ?? "",
    headSha: data.head.sha,
    headRef: data.head.ref,
    headRepo: data.head.repo?.full_name ?? null,
    baseRef: data.base.ref,
    state: data.state,
  };
}
