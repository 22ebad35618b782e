import { type GitHubClient, splitRepo } from "./github-client.js";

/** Asks a reviewer to look again (GitHub's "re-request review"). */
export async function requestReviewers(params: {
  client: GitHubClient;
  repo: string;
  number: number;
  reviewers: string[];
}): Promise<void> {
  await params.client.request("POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers", {
    ...splitRepo(params.repo),
    pull_number: params.number,
    reviewers: params.reviewers,
  });
}
