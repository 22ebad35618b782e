import { setTimeout as sleep } from "node:timers/promises";
import { describeGitHubFailure } from "../github/api/describe-github-failure.js";
import { isTransientGitHubFailure } from "../github/api/github-failure.js";
import type { JobLogger } from "../jobs/job-schema.js";

/** Waits between publishing attempts: about four minutes in all before a step is given up. */
export const PUBLISH_RETRY_DELAYS_MS: readonly number[] = [2_000, 10_000, 30_000, 60_000, 120_000];

/**
 * One GitHub step of publishing (a comment, the pull request, the check run), tried again with
 * backoff while GitHub answers 5xx/429 or cannot be reached. Each failed attempt is logged with
 * what is retried and GitHub's answer, and reported to `onWait` (the job's wait in the store, so
 * `doctor` shows a job stuck on GitHub). Other failures (404, 410, 422) are thrown at once.
 */
export async function retryGitHub<T>(params: {
  /** What is being done, for the log: "post the failure comment on octo/sum#12". */
  what: string;
  call: () => Promise<T>;
  log: JobLogger;
  delaysMs?: readonly number[];
  onWait?: (reason: string, retryAt: Date) => void;
  now?: () => Date;
}): Promise<T> {
  const delays = params.delaysMs ?? PUBLISH_RETRY_DELAYS_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await params.call();
    } catch (error) {
      const delay = delays[attempt - 1];
      const reason = describeGitHubFailure(error);
      if (delay === undefined || !isTransientGitHubFailure(error)) throw error;
      params.log.warn({ what: params.what, attempt, of: delays.length + 1, retryInMs: delay, reason }, "GitHub failed a publishing step; retrying");
      params.onWait?.(`${params.what}: ${reason}`, new Date((params.now?.() ?? new Date()).getTime() + delay));
      await sleep(delay);
    }
  }
}
