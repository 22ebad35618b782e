import type { CheckOutput } from "../render/render-check-output.js";
import { splitRepo, type GitHubClient } from "./github-client.js";

export const CHECK_NAME = "local-agent";

/** A queued check run on the commit the job starts from. */
export async function createQueuedCheckRun(params: { client: GitHubClient; repo: string; headSha: string; output: CheckOutput; detailsUrl?: string }): Promise<number> {
  const { data } = await params.client.request("POST /repos/{owner}/{repo}/check-runs", {
    ...splitRepo(params.repo),
    name: CHECK_NAME,
    head_sha: params.headSha,
    status: "queued",
    output: params.output,
    ...(params.detailsUrl ? { details_url: params.detailsUrl } : {}),
  });
  return Number(data.id);
}

/** Rewrites a queued check run's output (its queue position moved). */
export async function updateQueuedCheckRun(params: { client: GitHubClient; repo: string; checkRunId: number; output: CheckOutput }): Promise<void> {
  await params.client.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", { ...splitRepo(params.repo), check_run_id: params.checkRunId, output: params.output });
}

export async function markCheckRunInProgress(params: { client: GitHubClient; repo: string; checkRunId: number; output: CheckOutput; startedAt: Date }): Promise<void> {
  await params.client.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
    ...splitRepo(params.repo),
    check_run_id: params.checkRunId,
    status: "in_progress",
    started_at: params.startedAt.toISOString(),
    output: params.output,
  });
}

export async function completeCheckRun(params: {
  client: GitHubClient;
  repo: string;
  checkRunId: number;
  conclusion: "success" | "failure" | "neutral" | "cancelled" | "action_required";
  output: CheckOutput;
  completedAt: Date;
}): Promise<void> {
  await params.client.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
    ...splitRepo(params.repo),
    check_run_id: params.checkRunId,
    status: "completed",
    conclusion: params.conclusion,
    completed_at: params.completedAt.toISOString(),
    output: params.output,
  });
}
