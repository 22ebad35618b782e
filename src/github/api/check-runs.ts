import { redactSecrets } from "../redact-secrets.js";
import { splitRepo, type GitHubClient } from "./github-client.js";

export const CHECK_NAME = "local-agent";
/** GitHub's limit for a check run's output summary and text. */
const MAX_OUTPUT = 65_000;

export interface CheckOutput {
  title: string;
  summary: string;
  text?: string;
}

function clip(text: string, secrets: readonly string[]): string {
  const clean = redactSecrets(text, secrets);
  return clean.length > MAX_OUTPUT ? `${clean.slice(0, MAX_OUTPUT)}\n… (truncated)` : clean;
}

function output(out: CheckOutput, secrets: readonly string[]) {
  return { title: clip(out.title, secrets).slice(0, 200), summary: clip(out.summary, secrets), ...(out.text ? { text: clip(out.text, secrets) } : {}) };
}

/** A queued check run on the commit the job starts from. */
export async function createQueuedCheckRun(params: { client: GitHubClient; repo: string; headSha: string; output: CheckOutput; detailsUrl?: string }): Promise<number> {
  const { data } = await params.client.request("POST /repos/{owner}/{repo}/check-runs", {
    ...splitRepo(params.repo),
    name: CHECK_NAME,
    head_sha: params.headSha,
    status: "queued",
    output: output(params.output, []),
    ...(params.detailsUrl ? { details_url: params.detailsUrl } : {}),
  });
  return Number(data.id);
}

export async function markCheckRunInProgress(params: { client: GitHubClient; repo: string; checkRunId: number; output: CheckOutput; startedAt: Date }): Promise<void> {
  await params.client.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
    ...splitRepo(params.repo),
    check_run_id: params.checkRunId,
    status: "in_progress",
    started_at: params.startedAt.toISOString(),
    output: output(params.output, []),
  });
}

export async function completeCheckRun(params: {
  client: GitHubClient;
  repo: string;
  checkRunId: number;
  conclusion: "success" | "failure" | "neutral" | "cancelled" | "action_required";
  output: CheckOutput;
  completedAt: Date;
  secrets?: readonly string[];
}): Promise<void> {
  await params.client.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
    ...splitRepo(params.repo),
    check_run_id: params.checkRunId,
    status: "completed",
    conclusion: params.conclusion,
    completed_at: params.completedAt.toISOString(),
    output: output(params.output, params.secrets ?? []),
  });
}
