import { z } from "zod";
import { ReportSchema, type Report } from "../report/report-schema.js";

/**
 * The run store's vocabulary (DESIGN §6 "Run store, dashboard, metrics"). A run is one agent
 * session on one checkout, from the app (one attempt of a job) or from `local-agent run`; its row
 * keeps the report, the replay transcript and the diff, so the dashboard can show it after the
 * temp folders and the workspace are gone.
 */

export const RUN_SOURCES = ["app", "cli"] as const;
export type RunSource = (typeof RUN_SOURCES)[number];

/** What a recorder hands to `runs.insert` (validated there). */
export const NewRunSchema = z.strictObject({
  /** `app`: a job of the GitHub App; `cli`: `local-agent run`. */
  source: z.enum(RUN_SOURCES),
  /** The job this run was an attempt of (app runs), else null. */
  jobId: z.int().positive().nullable(),
  /** The installation that delivered the job, to check a remote viewer's permission; null for CLI runs. */
  installationId: z.int().positive().nullable(),
  /** `owner/name` on GitHub for app runs; for CLI runs the origin remote's `owner/name`, else the checkout's folder name. */
  repo: z.string().trim().min(1).max(300),
  /** The issue or pull request number (app runs), else null. */
  number: z.int().positive().nullable(),
  /** `issue` or `pull_request` for app runs, null for CLI runs. */
  target: z.enum(["issue", "pull_request"]).nullable(),
  /** The issue or task title. */
  title: z.string().max(1000),
  /** GitHub login of the person who started the job (app runs), else null. */
  actor: z.string().nullable(),
  /** The branch the work was committed to (app runs), else null. */
  branch: z.string().nullable(),
  /** The completed check run's id (app runs), else null. */
  checkRunId: z.int().positive().nullable(),
  /** The run's report (DESIGN §3). */
  report: ReportSchema,
  /** The replay transcript (JSONL, one model call per line), null when none was recorded. */
  transcript: z.string().nullable(),
  /** Unified diff of what the run changed, null when it could not be taken. */
  diff: z.string().nullable(),
  /** When the run ended (ISO 8601); retention counts from here. */
  finishedAt: z.string(),
});
export type NewRun = z.input<typeof NewRunSchema>;

/** One row of the runs list: the figures, without the report's bulk. */
export interface RunSummary {
  id: number;
  source: RunSource;
  jobId: number | null;
  repo: string;
  number: number | null;
  title: string;
  modelSpec: string;
  outcome: Report["outcome"];
  exitReason: string;
  /** Share of agent model calls valid with no repair (0–1). */
  validityRaw: number;
  /** Share of agent turns valid after scaffolding (0–1). */
  validityEffective: number;
  turns: number;
  durationMs: number;
  promptTokens: number;
  completionTokens: number;
  /** Generated tokens per second of model time, null when the run made no timed call. */
  tokensPerSecond: number | null;
  startedAt: string;
  finishedAt: string;
}

/** One stored run in full (the transcript is read separately: it can be large). */
export interface StoredRun extends RunSummary {
  installationId: number | null;
  target: "issue" | "pull_request" | null;
  actor: string | null;
  branch: string | null;
  checkRunId: number | null;
  /** The pull request's web address, once known. */
  pullRequestUrl: string | null;
  report: Report;
  diff: string | null;
  hasTranscript: boolean;
}

/** Filters of the runs list; every field optional. */
export interface RunFilter {
  repo?: string;
  outcome?: Report["outcome"];
  jobId?: number;
  /** Only runs with an id below this (paging back in time). */
  beforeId?: number;
  /** At most this many (default 100). */
  limit?: number;
}
