import type { GitHubClient } from "../../github/api/github-client.js";
import type { Job, JobLogger } from "../../jobs/job-schema.js";
import type { AppDeps } from "../app-deps.js";

/** What every stage of one job shares: the job, its signal, GitHub clients, the app's dependencies. */
export interface JobRun {
  job: Job;
  /** Aborts on cancel, shutdown or the job deadline (`jobAbortKind`). */
  signal: AbortSignal;
  /** Installation-authenticated client for the job's repository. */
  client: GitHubClient;
  deps: AppDeps;
  log: JobLogger;
  /** The commit identity of the app's bot. */
  bot(): Promise<{ name: string; email: string }>;
  /** A fresh installation token scoped to this one repository (one per network step; all revoked at the end). */
  mint(): Promise<string>;
  /** Values never to show on GitHub: the minted tokens and the webhook secret. */
  secrets(): string[];
}
