import type { ProbotOctokit } from "probot";

/** An authenticated Octokit as Probot hands it out (installation or app auth). */
export type GitHubClient = ProbotOctokit;

/** Owner and name of a repository, from `owner/name`. */
export function splitRepo(fullName: string): { owner: string; repo: string } {
  const [owner = "", repo = ""] = fullName.split("/");
  return { owner, repo };
}
