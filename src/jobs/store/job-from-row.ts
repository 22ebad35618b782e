import type { SQLOutputValue } from "node:sqlite";
import { JOB_STATUSES, type GitHubWait, type Job, type JobStatus } from "../job-schema.js";

/** A `jobs` row as the `Job` the rest of the app reads. */
export function jobFromRow(row: Record<string, SQLOutputValue>): Job {
  return {
    id: Number(row.id),
    deliveryId: String(row.delivery_id),
    repo: String(row.repo),
    installationId: Number(row.installation_id),
    target: row.target === "pull_request" ? "pull_request" : "issue",
    number: Number(row.number),
    trigger: row.trigger_kind === "comment" ? "comment" : "label",
    actor: String(row.actor),
    instructions: nullableString(row.instructions),
    commentId: nullableNumber(row.comment_id),
    payload: parseObject(row.payload) ?? {},
    status: toStatus(row.status),
    attempts: Number(row.attempts),
    createdAt: String(row.created_at),
    startedAt: nullableString(row.started_at),
    finishedAt: nullableString(row.finished_at),
    updatedAt: String(row.updated_at),
    checkRunId: nullableNumber(row.check_run_id),
    outcome: nullableString(row.outcome),
    error: nullableString(row.error),
    report: typeof row.report === "string" ? (JSON.parse(row.report) as unknown) : null,
    supersededBy: nullableNumber(row.superseded_by),
    cancelRequested: Number(row.cancel_requested) === 1,
    githubWait: toWait(parseObject(row.github_wait)),
    positionShown: nullableNumber(row.position_shown),
  };
}

function toStatus(value: SQLOutputValue | undefined): JobStatus {
  const status = JOB_STATUSES.find((candidate) => candidate === value);
  if (!status) throw new Error(`the job database holds an unknown status ${JSON.stringify(value)}`);
  return status;
}

function toWait(value: Record<string, unknown> | null): GitHubWait | null {
  if (!value) return null;
  return {
    stage: value.stage === "publish" ? "publish" : "intake",
    reason: String(value.reason ?? ""),
    attempts: Number(value.attempts ?? 0),
    since: String(value.since ?? ""),
    retryAt: typeof value.retryAt === "string" ? value.retryAt : null,
  };
}

function nullableString(value: SQLOutputValue | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}

function nullableNumber(value: SQLOutputValue | undefined): number | null {
  return value === null || value === undefined ? null : Number(value);
}

function parseObject(value: SQLOutputValue | undefined): Record<string, unknown> | null {
  const parsed: unknown = typeof value === "string" ? JSON.parse(value) : null;
  return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
}
