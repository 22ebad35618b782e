import type { AppConfig } from "../config/app-env-schema.js";
import { addReaction } from "../github/api/add-reaction.js";
import { createQueuedCheckRun } from "../github/api/check-runs.js";
import { describeGitHubFailure } from "../github/api/describe-github-failure.js";
import { getIssueState } from "../github/api/get-issue-state.js";
import { getPullRequest } from "../github/api/get-pull-request.js";
import { isTransientGitHubFailure } from "../github/api/github-failure.js";
import type { GitHubClient } from "../github/api/github-client.js";
import { splitRepo } from "../github/api/github-client.js";
import { postComment } from "../github/api/post-comment.js";
import { authorizeActor } from "../github/authorize-actor.js";
import { readFrozenReview } from "../github/review/frozen-review.js";
import { jobPageUrl } from "../dashboard/job-page-url.js";
import { renderForGitHub, type GitHubPart } from "../github/render/render-for-github.js";
import type { IntakeDecision } from "../jobs/create-job-scheduler.js";
import type { Job, JobLogger } from "../jobs/job-schema.js";
import type { JobStore } from "../jobs/open-job-store.js";
import { checkTarget } from "./check-target.js";
import { invalidConfigMessage, refusalMessage, targetRefusedMessage } from "./job-messages.js";
import { loadJobContext } from "./load-job-context.js";
import { queuedCheckOutput } from "./queued-check-output.js";

type IntakeParams = {
  job: Job;
  client: GitHubClient;
  config: AppConfig;
  store: JobStore;
  log: JobLogger;
  /** The app's bot (its login is the author of the pull requests the app opened). */
  bot?: () => Promise<{ name: string }>;
};

/**
 * The intake lane: is the actor allowed (write access, asked of the API), is the target still
 * open, unlocked, not a fork and (for a label) still labeled, is the repo config valid; then
 * acknowledge with 👀 and a queued check run that shows the queue position. When GitHub cannot
 * be asked, the decision is `retry`: the job waits and nothing is refused or lost.
 */
export async function intakeJob(params: IntakeParams): Promise<IntakeDecision> {
  try {
    return await decide(params);
  } catch (error) {
    if (!isTransientGitHubFailure(error)) throw error;
    return { status: "retry", reason: describeGitHubFailure(error) };
  }
}

async function decide(params: IntakeParams): Promise<IntakeDecision> {
  const { job, client, log, config } = params;
  const auth = await authorizeActor({ client, ...splitRepo(job.repo), login: job.actor });
  if (!auth.allowed) {
    log.info({ job: job.id, repo: job.repo, number: job.number, actor: job.actor, reason: auth.reason }, "job refused: actor not allowed");
    await tellOnce(params, `refused:${job.repo}#${job.number}:${job.actor}`, refusalMessage({ actor: job.actor, reason: auth.reason, label: config.label }));
    return { status: "refused", reason: auth.reason };
  }
  const review = readFrozenReview(job.payload);
  if (review && !review.byFix && params.bot) {
    // A review asks the app to iterate only on its own pull requests; another bot's is none of its business.
    const bot = await params.bot();
    if (review.prAuthor !== bot.name) {
      log.info({ job: job.id, repo: job.repo, number: job.number, author: review.prAuthor }, "review ignored: not a pull request this app opened");
      return { status: "cancelled", reason: `pull request #${job.number} was opened by ${review.prAuthor}, not by ${bot.name}` };
    }
  }
  const issue = await getIssueState({ client, repo: job.repo, number: job.number });
  const pr = job.target === "pull_request" ? await getPullRequest({ client, repo: job.repo, number: job.number }) : null;
  const target = checkTarget({ job, issue, pr, label: config.label });
  if (!target.ok && target.kind === "cancel") {
    log.info({ job: job.id, repo: job.repo, number: job.number, reason: target.reason }, "job withdrawn before it started");
    return { status: "cancelled", reason: target.reason };
  }
  if (!target.ok) {
    log.info({ job: job.id, repo: job.repo, number: job.number, reason: target.what }, "job refused: target");
    await tellOnce(params, target.key, targetRefusedMessage({ what: target.what, hint: target.hint }));
    return { status: "refused", reason: target.what };
  }
  const context = await loadJobContext({ client, job, config });
  if (!context.ok) {
    log.info({ job: job.id, repo: job.repo }, "job refused: invalid repo config");
    await postComment({ client, repo: job.repo, number: job.number, body: renderForGitHub({ parts: invalidConfigMessage({ branch: context.defaultBranch, message: context.configError }), secrets: [] }) });
    return { status: "refused", reason: "invalid .github/local-agent.yml" };
  }
  await addReaction({ client, repo: job.repo, number: job.number, commentId: job.commentId }).catch((error: unknown) =>
    log.warn({ job: job.id, err: describeGitHubFailure(error) }, "could not add the 👀 reaction"),
  );
  const position = params.store.queuePosition(job.id) ?? 1;
  const checkRunId = await createQueuedCheckRun({
    client,
    repo: job.repo,
    headSha: context.headSha,
    detailsUrl: jobPageUrl(params.config.publicUrl, job.id) ?? undefined,
    output: queuedCheckOutput({ job, position }),
  });
  params.store.update(job.id, { positionShown: position });
  return { status: "queued", checkRunId };
}

/** Comments once per key: a refusal is useful, a stream of them is noise. Marked only once posted, so a retry still says it. */
async function tellOnce(params: IntakeParams, key: string, parts: GitHubPart[]): Promise<void> {
  if (params.store.wasNotified(key)) return;
  const { job, client } = params;
  try {
    await postComment({ client, repo: job.repo, number: job.number, body: renderForGitHub({ parts, secrets: [] }) });
  } catch (error) {
    // A locked conversation or a deleted issue cannot take the comment; the refusal stands.
    if (isTransientGitHubFailure(error)) throw error;
    params.log.warn({ job: job.id, err: describeGitHubFailure(error) }, "could not comment on a refused job");
  }
  params.store.markNotified(key);
}
