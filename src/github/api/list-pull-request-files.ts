import { type GitHubClient, splitRepo } from "./github-client.js";

const PAGE = 100;

/** The paths a pull request changes, page by page (a rename counts as its new path; GitHub lists at most 3,000). */
export async function listPullRequestFiles(params: {
  client: GitHubClient;
  repo: string;
  number: number;
}): Promise<string[]> {
  const all: string[] = [];
  for (let page = 1; page <= 30; page++) {
    const { data } = await params.client.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", {
      ...splitRepo(params.repo),
      pull_number: params.number,
      per_page: PAGE,
      page,
    });
    all.push(...data.map((file) => file.filename));
    if (data.length < PAGE) break;
  }
  return all;
}
