import type { AppDeps } from "../app/app-deps.js";
import type { JobEnding } from "../app/job/job-ending.js";
import type { AppConfig } from "../config/app-env-schema.js";
import type { GitHubClient } from "../github/api/github-client.js";
import type { JobScheduler } from "../jobs/create-job-scheduler.js";
import type { Job, JobLogger } from "../jobs/job-schema.js";
import type { JobStore } from "../jobs/open-job-store.js";
import type { RedisJobQueue } from "../jobs/redis/open-redis-queue.js";
import type { AppMetrics } from "../metrics/create-app-metrics.js";
import type { RunStore } from "../store/open-run-store.js";
import type { LiveProgress } from "./live/create-live-progress.js";

/** Everything the dashboard reads or acts on, injected by the app (and by tests). */
export interface DashboardDeps {
  config: AppConfig;
  store: JobStore;
  runs: RunStore;
  scheduler: JobScheduler;
  /** The app's one way of telling GitHub how a job ended (check run, comment), for jobs cancelled here. */
  publish(job: Job, ending: JobEnding): Promise<void>;
  /** An installation-authenticated client (permission checks, PR look-ups, closing check runs on cancel). */
  installationClient(installationId: number): Promise<GitHubClient>;
  /** Builds the configured models, to read their servers for the models page. */
  createModel: AppDeps["createModel"];
  /** Host environment (PATH for nvidia-smi). */
  env: NodeJS.ProcessEnv;
  live: LiveProgress;
  metrics: AppMetrics;
  log: JobLogger;
  now(): Date;
  /** fetch for GitHub sign-in (github.com's OAuth endpoints). */
  fetch?: typeof fetch;
  /** Redis queue mode: the model hosts the GPU boxes' workers reported, for the models page. */
  workers?: Pick<RedisJobQueue, "modelHosts">;
  /** How often open queue pages look for changes, ms (default 1000). */
  pollMs?: number;
}
