import { splitRepo, type GitHubClient } from "./github-client.js";

/**
 * Where a pull request stands: its refs and state. Deliberately without its title and body: the
 * task text is frozen from the triggering payload (see `frozen-task-text.ts`), never re-fetched.
 */
export interface PullRequestInfo {
  headSha: string;
  headRef: string;
  /** `owner/name` of the head repository (differs from the base for forks; null if deleted). */
  headRepo: string | null;
  baseRef: string;
  state: string;
  merged: boolean;
  locked: boolean;
}

export async function getPullRequest(params: { client: GitHubClient; repo: string; number: number }): Promise<PullRequestInfo> {
  const { data } = await params.client.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { ...splitRepo(params.repo), pull_number: params.number });
  return {
    headSha: data.head.sha,
    headRef: data.head.ref,
    headRepo: data.head.repo?.full_name ?? null,
    baseRef: data.base.ref,
    state: data.state,
    merged: data.merged === true || Boolean(data.merged_at),
    locked: data.locked === true,
  };
}
