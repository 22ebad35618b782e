import { splitRepo, type GitHubClient } from "./github-client.js";

/** Where an issue (or a pull request, seen as an issue) stands now: open or closed, locked, its labels. */
export interface IssueState {
  state: string;
  locked: boolean;
  /** Label names as they are now (the trigger label is re-checked at intake). */
  labels: string[];
}

export async function getIssueState(params: { client: GitHubClient; repo: string; number: number }): Promise<IssueState> {
  const { data } = await params.client.request("GET /repos/{owner}/{repo}/issues/{issue_number}", { ...splitRepo(params.repo), issue_number: params.number });
  return {
    state: data.state,
    locked: data.locked === true,
    labels: data.labels.map((label) => (typeof label === "string" ? label : (label.name ?? ""))).filter(Boolean),
  };
}
