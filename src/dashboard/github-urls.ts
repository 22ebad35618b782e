/** Web addresses on github.com for a repository's issue, pull request and check run; null when the repo is not `owner/name`. */
export const githubUrls = {
  issue: (repo: string, number: number | null, target: "issue" | "pull_request" | null): string | null =>
    number === null || !isRepo(repo) ? null : `https://github.com/${repo}/${target === "pull_request" ? "pull" : "issues"}/${number}`,
  checkRun: (repo: string, checkRunId: number | null): string | null => (checkRunId === null || !isRepo(repo) ? null : `https://github.com/${repo}/runs/${checkRunId}`),
};

function isRepo(repo: string): boolean {
  return /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repo);
}
