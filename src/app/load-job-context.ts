import type { AppConfig } from "../config/app-env-schema.js";
import { parseRepoConfig } from "../config/parse-repo-config.js";
import type { RepoConfig } from "../config/repo-config-schema.js";
import { getBranchSha } from "../github/api/get-branch-sha.js";
import { getPullRequest, type PullRequestInfo } from "../github/api/get-pull-request.js";
import type { GitHubClient } from "../github/api/github-client.js";
import { readRepoFile } from "../github/api/read-repo-file.js";
import { readFrozenTaskText, type FrozenTaskText } from "../github/frozen-task-text.js";
import type { Job } from "../jobs/job-schema.js";

export const REPO_CONFIG_PATH = ".github/local-agent.yml";

export type JobContext =
  | { ok: true; defaultBranch: string; headSha: string; pr: PullRequestInfo | null; repoConfig: RepoConfig }
  | { ok: false; defaultBranch: string; configError: string };

/** What the job stored when it was triggered: the frozen task text and where the repository lives. */
export function jobPayload(job: Job): FrozenTaskText & { cloneUrl: string; defaultBranch: string } {
  const p = job.payload;
  const text = (value: unknown, fallback: string) => (typeof value === "string" && value !== "" ? value : fallback);
  return { ...readFrozenTaskText(p), cloneUrl: text(p.cloneUrl, `https://github.com/${job.repo}.git`), defaultBranch: text(p.defaultBranch, "main") };
}

/**
 * The repository facts a job needs: the commit it starts from and the repo config, read from the
 * DEFAULT branch only (a pull request must not be able to change its own test command or scope).
 */
export async function loadJobContext(params: { client: GitHubClient; job: Job; config: AppConfig }): Promise<JobContext> {
  const { client, job } = params;
  const { defaultBranch } = jobPayload(job);
  const file = await readRepoFile({ client, repo: job.repo, path: REPO_CONFIG_PATH, ref: defaultBranch });
  const parsed = parseRepoConfig({ bytes: file?.bytes ?? null, size: file?.size ?? 0, allowlist: params.config.modelAllowlist });
  if (!parsed.ok) return { ok: false, defaultBranch, configError: parsed.message };
  if (job.target === "pull_request") {
    const pr = await getPullRequest({ client, repo: job.repo, number: job.number });
    return { ok: true, defaultBranch, headSha: pr.headSha, pr, repoConfig: parsed.config };
  }
  const headSha = await getBranchSha({ client, repo: job.repo, branch: defaultBranch });
  return { ok: true, defaultBranch, headSha, pr: null, repoConfig: parsed.config };
}
