import type { Job, JobLogger } from "../job-schema.js";
import type { JobAbortKind } from "../job-abort-kind.js";
import type { JobStore } from "../open-job-store.js";

export type IntakeStatus = "queued" | "refused" | "cancelled";

/**
 * What intake decided about a pending job. A bare status is fine; the object form also records
 * the check run intake created and, for a refusal or cancel, why (kept in the job's `error`).
 * `retry` means GitHub could not be asked (it answered 5xx or 429, or the connection failed):
 * the job stays pending and intake runs again after a backoff; `reason` says what failed.
 */
export type IntakeDecision =
  | IntakeStatus
  | { status: IntakeStatus; checkRunId?: number | null; reason?: string | null }
  | { status: "retry"; reason: string };

/** How a run ended. `report` is any JSON value. */
export type ExecuteResult = {
  status: "done" | "failed" | "cancelled";
  outcome?: string | null;
  error?: string | null;
  report?: unknown;
};

export type JobSchedulerParams = {
  store: JobStore;
  /** GPU slots: how many jobs run at once (`LOCAL_AGENT_GPU_SLOTS`). */
  slots: number;
  /** How many intakes (GitHub API calls, no GPU) run at once. */
  intakeConcurrency?: number;
  /**
   * Authorizes a pending job, reads the repo config and acknowledges (👀, queued check run).
   * Returning "queued" moves it to the GPU queue; the job may meanwhile have been superseded or
   * cancelled, then `onDropped` is called so the app can close what it opened.
   */
  intake: (job: Job) => Promise<IntakeDecision>;
  /** The wait before intake attempt `attempt + 1` after `attempt` failed on GitHub (ms). Default: 5 s doubling, at most 5 min. */
  intakeRetryDelayMs?: (attempt: number) => number;
  /**
   * Runs a job and reports it to GitHub. The signal aborts on cancel, shutdown or the deadline;
   * read `jobAbortKind(signal)` to tell them apart (a shutdown puts the job back in the queue,
   * so it should not be reported as cancelled).
   */
  execute: (job: Job, signal: AbortSignal) => Promise<ExecuteResult>;
  /** A job still running this long after it started is aborted as `deadline` (ms); none when unset. */
  deadlineMs?: number;
  /**
   * After its signal aborted, how long `execute` gets to settle before the scheduler gives up on
   * it, records the job as ended and frees its slot (so a model call that ignores the signal
   * cannot hold the GPU slot forever). Default 30 s.
   */
  abandonAfterMs?: number;
  logger: JobLogger;
  /** The clock, for durations in the log. */
  now: () => Date;
  /** An intake or execute threw (the job is already `failed` with the message). */
  onError?: (error: unknown, job: Job) => void | Promise<void>;
  /** Intake said "queued" but the job was superseded or cancelled while intake ran. */
  onDropped?: (job: Job) => void | Promise<void>;
  /** `execute` did not settle after a cancel or the deadline; the job is recorded as ended and its slot freed. */
  onAbandoned?: (job: Job, kind: Exclude<JobAbortKind, "shutdown">) => void | Promise<void>;
  /** Queue positions may have changed (a job started or was queued). */
  onQueueChanged?: () => void;
};

/** What the lanes share with the scheduler that owns them. */
export type LaneContext = {
  params: JobSchedulerParams;
  /** Remembers work until it settles (drain and stop wait for it); a rejection is logged. */
  track(work: Promise<unknown>): void;
  isStopped(): boolean;
  /** Calls an app hook; a hook that throws is logged, never fatal. */
  hook(name: "onError" | "onDropped" | "onAbandoned" | "onQueueChanged", call: () => void | Promise<void>, jobId?: number): void;
};
