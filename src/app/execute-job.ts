import type { GitHubClient } from "../github/api/github-client.js";
import { splitRepo } from "../github/api/github-client.js";
import { mintRepoToken } from "../github/api/mint-repo-token.js";
import { revokeToken } from "../github/api/revoke-token.js";
import type { ExecuteResult } from "../jobs/create-job-scheduler.js";
import { jobAbortKind } from "../jobs/job-abort-kind.js";
import type { Job, JobLogger } from "../jobs/job-schema.js";
import { jobDeadlineMs, type AppDeps } from "./app-deps.js";
import { abortEnding } from "./job/abort-ending.js";
import { authorizePush } from "./job/authorize-push.js";
import { checkoutJob, createJobFolder } from "./job/checkout-job.js";
import { errorEnding } from "./job/error-ending.js";
import type { JobEnding } from "./job/job-ending.js";
import type { JobRun } from "./job/job-run.js";
import { planJob, type JobPlan } from "./job/plan-job.js";
import { answerReview } from "./review/answer-review.js";
import type { DiffStat } from "../github/render-pull-request-body.js";
import type { Report } from "../report/report-schema.js";
import { publishResult } from "./job/publish-result.js";
import { pushedEnding } from "./job/pushed-ending.js";
import { pushJob } from "./job/push-job.js";
import { runJob } from "./job/run-job.js";
import { deleteRemoteBranch } from "../workspace/git/push-branch.js";

export interface ExecuteJobParams {
  job: Job;
  signal: AbortSignal;
  /** Installation-authenticated client for the job's repository. */
  client: GitHubClient;
  /** App-authenticated (JWT) client, to mint a repository-scoped token. */
  appClient: GitHubClient;
  bot: () => Promise<{ name: string; email: string }>;
  deps: AppDeps;
  log: JobLogger;
}

/**
 * One job in numbered stages, each returning data or an ending: 1 plan, 2 checkout, 3 run,
 * 4 authorize, 5 push, then 6 publish (`publishResult`, the same for every ending). Tokens are
 * minted per network step, scoped to the repository, and revoked at the end; the workspace goes.
 */
export async function executeJob(params: ExecuteJobParams): Promise<ExecuteResult> {
  const { job, deps, log } = params;
  const minted: string[] = [];
  const run: JobRun = {
    ...params,
    async mint() {
      const token = await mintRepoToken({ appClient: params.appClient, installationId: job.installationId, repoName: splitRepo(job.repo).repo });
      minted.push(token);
      return token;
    },
    secrets: () => [...minted, deps.config.webhookSecret].filter(Boolean),
  };
  const folder: { cleanup?: () => Promise<void> } = {};
  try {
    const ending = await stages(run, folder).catch((error: unknown): JobEnding => {
      if (jobAbortKind(params.signal) !== null) return abortEnding({ signal: params.signal, deadlineMs: jobDeadlineMs(deps) });
      log.error({ job: job.id, err: error instanceof Error ? error.message : String(error) }, "job failed");
      return errorEnding(error);
    });
    // 6. publish. A job the scheduler gave up on (it ignored its signal) was reported already.
    if (deps.store.get(job.id)?.status !== "running") return ending.result;
    return await publishResult({ job, ending, client: params.client, secrets: run.secrets(), store: deps.store, log, now: deps.now, ...(deps.retry?.publishDelaysMs ? { delaysMs: deps.retry.publishDelaysMs } : {}) });
  } finally {
    // Revoke first, while the checkout still exists: nothing in it may hold a live token.
    for (const used of minted) {
      // The installation client's base URL is Probot's (GHE_HOST/GHE_PROTOCOL → …/api/v3 on Enterprise Server).
      await revokeToken({ token: used, baseUrl: params.client.request.endpoint.DEFAULTS.baseUrl, fetch: deps.fetch }).catch((error: unknown) => log.warn({ job: job.id, err: String(error) }, "could not revoke a job token"));
    }
    await folder.cleanup?.().catch(() => undefined);
  }
}

/** What the work stages pushed, for the review iteration's answers. */
type PushedWork = { head?: string; diff?: DiffStat[]; report?: Report };

async function stages(run: JobRun, folder: { cleanup?: () => Promise<void> }): Promise<JobEnding> {
  // 1. plan: facts, the frozen task, where to commit.
  const planned = await planJob(run);
  if (!planned.ok) return planned.ending;
  const { plan } = planned;
  const pushed: PushedWork = {};
  const ending = await work(run, plan, folder, pushed);
  // A review iteration answers in every thread, whatever the ending.
  return plan.review ? answerReview({ ending, plan: plan.review, number: run.job.number, pushed: pushed.head ? { head: pushed.head, diff: pushed.diff ?? [], report: pushed.report ?? null } : null }) : ending;
}

async function work(run: JobRun, plan: JobPlan, folder: { cleanup?: () => Promise<void> }, pushed: PushedWork): Promise<JobEnding> {
  // 2. checkout, into a fresh folder.
  const dir = await createJobFolder(run);
  folder.cleanup = dir.cleanup;
  const checkout = await checkoutJob(run, plan, dir.path);
  if (!checkout.ok) return checkout.ending;
  // 3. run: the preflight of the loaded model, then the agent; the run is stored.
  const ran = await runJob(run, plan, { dir: dir.path, testCommand: checkout.testCommand, alreadyChanged: checkout.alreadyChanged });
  if (!ran.ok) return ran.ending;
  const { report, checkpoints } = ran;
  // 4. authorize: commit, and decide whether anything leaves this machine.
  const authorized = await authorizePush(run, plan, { dir: dir.path, report, checkpoints, deadlineMs: jobDeadlineMs(run.deps) });
  if (!authorized.ok) {
    // Checkpoints pushed for a resume are withdrawn, except on a shutdown: the next worker resumes from them.
    if (ran.pushedCheckpoints > 0 && jobAbortKind(run.signal) !== "shutdown") await dropCheckpointBranch(run, plan, dir.path);
    return authorized.ending;
  }
  // 5. push.
  const { diff, head } = await pushJob(run, plan, dir.path);
  Object.assign(pushed, { head, diff, report });
  return pushedEnding({ run, plan, report, commits: authorized.commits, diff });
}

async function dropCheckpointBranch(run: JobRun, plan: JobPlan, dir: string): Promise<void> {
  try {
    await deleteRemoteBranch({ dir, branch: plan.checkout.workBranch, token: await run.mint(), env: run.deps.env });
    run.log.info({ job: run.job.id, branch: plan.checkout.workBranch }, "checkpoint branch deleted: the job ended without a pull request");
  } catch (error) {
    run.log.warn({ job: run.job.id, branch: plan.checkout.workBranch, err: error instanceof Error ? error.message : String(error) }, "could not delete the checkpoint branch");
  }
}
