import { completeCheckRun } from "../../github/api/check-runs.js";
import { describeGitHubFailure } from "../../github/api/describe-github-failure.js";
import type { GitHubClient } from "../../github/api/github-client.js";
import { openPullRequest } from "../../github/api/open-pull-request.js";
import { postComment } from "../../github/api/post-comment.js";
import { renderCheckOutput } from "../../github/render/render-check-output.js";
import { renderForGitHub, renderPlainLine } from "../../github/render/render-for-github.js";
import type { ExecuteResult } from "../../jobs/create-job-scheduler.js";
import type { Job, JobLogger } from "../../jobs/job-schema.js";
import type { JobStore } from "../../jobs/open-job-store.js";
import { errorMessage } from "../job-messages.js";
import { retryGitHub } from "../retry-github.js";
import { publishReview } from "../review/publish-review.js";
import type { JobEnding } from "./job-ending.js";

export type PublishParams = {
  job: Job;
  ending: JobEnding;
  /** Installation client for the job's repository. */
  client: GitHubClient;
  /** Values to redact: the job's minted tokens and the webhook secret. */
  secrets: readonly string[];
  store: JobStore;
  log: JobLogger;
  now: () => Date;
  /** Waits between attempts of one step (default `PUBLISH_RETRY_DELAYS_MS`). */
  delaysMs?: readonly number[];
};

/**
 * Tells GitHub how a job ended, the same way for every ending: the pull request first (if any),
 * then the comment, then the check run. Each step is retried while GitHub is unavailable, and a
 * step that fails for good (a deleted issue answers 410) does not stop the next: the check run
 * is completed whatever happened to the comment. Returns what the store records.
 */
export async function publishResult(params: PublishParams): Promise<ExecuteResult> {
  const { job, ending, log } = params;
  if (ending.silent) return ending.result;
  const at = `${job.repo}#${job.number}`;
  const step = <T>(what: string, call: () => Promise<T>) =>
    retryGitHub({
      what: `${what} on ${at}`,
      call,
      log,
      now: params.now,
      ...(params.delaysMs ? { delaysMs: params.delaysMs } : {}),
      onWait: (reason, retryAt) => params.store.noteGitHubWait(job.id, { stage: "publish", reason, retryAt: retryAt.toISOString() }),
    });
  let { result, comment, check } = ending;
  if (ending.pullRequest) {
    const pr = ending.pullRequest;
    try {
      const title = renderPlainLine({ text: pr.title, max: 250, secrets: params.secrets });
      const opened = await step("open the pull request", () => openPullRequest({ client: params.client, repo: job.repo, title, head: pr.head, base: pr.base, body: pr.body(params.secrets), draft: pr.draft }));
      log.info({ job: job.id, pr: opened.number, existed: opened.existed, draft: pr.draft }, "pull request opened");
      check = { ...check, summary: [{ own: `Pull request: #${opened.number}\n\n` }, ...check.summary] };
    } catch (error) {
      const what = `the branch \`${pr.head}\` was pushed, but the pull request could not be opened (${describeGitHubFailure(error)})`;
      log.error({ job: job.id, err: what }, "could not open the pull request");
      const hint = `Open a pull request from \`${pr.head}\` into \`${pr.base}\` by hand, or comment \`/fix\` to run again.`;
      result = { ...result, status: "failed", error: what };
      comment = errorMessage({ what, hint });
      check = { ...check, conclusion: "failure", title: "Pushed, but no pull request", summary: [{ untrusted: what, style: "inline", max: 2_000 }, { own: `\n\n**What you can do:** ${hint}` }] };
    }
  }
  if (comment) {
    const body = renderForGitHub({ parts: comment, secrets: params.secrets });
    await step("post the result comment", () => postComment({ client: params.client, repo: job.repo, number: job.number, body })).catch((error: unknown) =>
      log.warn({ job: job.id, err: describeGitHubFailure(error) }, "could not post the result comment; the check run still says how the job ended"),
    );
  }
  if (ending.review) await publishReview({ answers: ending.review, client: params.client, repo: job.repo, secrets: params.secrets, log, step });
  if (job.checkRunId !== null) {
    const checkRunId = job.checkRunId;
    const output = renderCheckOutput({ title: check.title, summary: check.summary, ...(check.text ? { text: check.text } : {}), secrets: params.secrets });
    await step("complete the check run", () => completeCheckRun({ client: params.client, repo: job.repo, checkRunId, conclusion: check.conclusion, output, completedAt: params.now() })).catch(
      (error: unknown) => log.error({ job: job.id, err: describeGitHubFailure(error) }, "could not complete the check run"),
    );
  }
  params.store.clearGitHubWait(job.id);
  return result;
}
