import type { AppConfig } from "../config/app-env-schema.js";
import type { JobStore } from "../jobs/open-job-store.js";
import type { RedisJobQueue } from "../jobs/redis/open-redis-queue.js";
import type { ModelBackend } from "../model/types.js";
import type { RunStore } from "../store/open-run-store.js";
import type { CommandRunner } from "../workspace/command-runner.js";

/** Everything the app touches besides GitHub (which Probot hands it), injected for tests. */
export interface AppDeps {
  config: AppConfig;
  /** The durable job store (opened by the caller, so tests can look inside). */
  store: JobStore;
  /** The run store (same SQLite file): every run's report, transcript and diff, for the dashboard. */
  runs: RunStore;
  /** Host environment, for git and toolchain discovery; never passed to the repository's code. */
  env: NodeJS.ProcessEnv;
  /** The runner for the repository's commands (bwrap unless the operator turned it off). */
  createRunner(): Promise<CommandRunner>;
  /** A model backend for a spec; live backends record their replies to `recordFile`. */
  createModel(params: { spec: string; recordFile: string | null }): ModelBackend;
  now(): Date;
  /** One folder per job is cloned here and removed when the job ends. */
  workspacesDir: string;
  /** Reports and transcripts of finished jobs are kept here. */
  reportsDir: string;
  /** fetch for the few requests made outside Probot's Octokit (token revocation). */
  fetch?: typeof fetch;
  /** Attempts a job gets across crashes. */
  maxAttempts?: number;
  /** The job deadline in ms (default: `config.jobDeadlineMinutes`); tests use seconds. */
  jobDeadlineMs?: number;
  /** How long a job whose signal aborted may take to stop before its slot is freed anyway (default 30 s). */
  abandonAfterMs?: number;
  /**
   * Redis queue mode (`LOCAL_AGENT_REDIS_URL`): the queue `local-agent worker` processes take
   * sessions from. Set, this process receives webhooks and hands jobs over instead of running them.
   */
  workers?: RedisJobQueue;
  /** A worker of the Redis queue: each checkpoint is pushed to the job's branch, so any worker can resume the session. */
  pushCheckpoints?: boolean;
  /** Backoff when GitHub is unavailable: between publishing attempts, and before intake attempt n + 1. */
  retry?: { publishDelaysMs?: readonly number[]; intakeDelayMs?: (attempt: number) => number };
}

/** The job deadline this app applies, in ms. */
export function jobDeadlineMs(deps: AppDeps): number {
  return deps.jobDeadlineMs ?? deps.config.jobDeadlineMinutes * 60_000;
}
