import type { GitHubWait } from "../jobs/job-schema.js";
import type { JobProgress } from "./live/job-progress.js";

/** One waiting or running job as the queue page shows it (no payload, no secrets: only what is rendered). */
export interface QueueRow {
  id: number;
  repo: string;
  number: number;
  target: "issue" | "pull_request";
  title: string;
  actor: string;
  trigger: "label" | "comment";
  status: "pending" | "queued" | "running";
  /**
   * Place in the fair queue (installations, then repositories, take turns), the number the job's
   * queued check run shows; 1 = next to start. Null for running jobs and for pending ones, which
   * intake has not queued yet.
   */
  position: number | null;
  createdAt: string;
  startedAt: string | null;
  cancelRequested: boolean;
  progress: JobProgress | null;
  /** The viewer may cancel it (write access on its repository). */
  canCancel: boolean;
}

/** A job that ended recently. */
export interface FinishedRow {
  id: number;
  repo: string;
  number: number;
  title: string;
  status: string;
  outcome: string | null;
  error: string | null;
  finishedAt: string | null;
  /** Its latest run, when it got as far as running the agent. */
  runId: number | null;
}

/** An active job that waits because GitHub failed its intake or the publishing of its result. */
export interface GitHubWaitRow {
  id: number;
  repo: string;
  number: number;
  target: "issue" | "pull_request";
  title: string;
  status: string;
  wait: GitHubWait;
}

export interface QueueSnapshot {
  running: QueueRow[];
  waiting: QueueRow[];
  /** Oldest wait first (`store.waitingOnGitHub()`, what `local-agent doctor` lists). */
  githubWaits: GitHubWaitRow[];
  finished: FinishedRow[];
}
