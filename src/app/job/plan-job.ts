import { markCheckRunInProgress } from "../../github/api/check-runs.js";
import { describeGitHubFailure } from "../../github/api/describe-github-failure.js";
import { renderCheckOutput } from "../../github/render/render-check-output.js";
import { buildTask, type Task } from "../../task/build-task.js";
import { readFrozenReview } from "../../github/review/frozen-review.js";
import { planReview, type ReviewPlan } from "../review/plan-review.js";
import type { CheckoutPlan } from "../../workspace/git/prepare-checkout.js";
import { jobPayload, loadJobContext, type JobContext } from "../load-job-context.js";
import type { JobEnding } from "./job-ending.js";
import { failedEnding, taskRefusedEnding } from "./job-endings.js";
import type { JobRun } from "./job-run.js";

export type JobPlan = {
  context: Extract<JobContext, { ok: true }>;
  task: Task;
  /** Where the work is committed: a new `local-agent/…` branch, or the pull request's own branch. */
  checkout: CheckoutPlan;
  /** The work goes onto the pull request's own branch (no new pull request). */
  onPullRequestBranch: boolean;
  modelSpec: string;
  /** A review iteration: the review, the comments worked on and those left out. */
  review: ReviewPlan | null;
};

/**
 * Stage 1, plan: the repository facts (repo config from the default branch, the pull request's
 * refs), the task from the text frozen at trigger time (never the text as it is now), and where
 * to check out and commit. Marks the check run in progress.
 */
export async function planJob(run: JobRun): Promise<{ ok: true; plan: JobPlan } | { ok: false; ending: JobEnding }> {
  const { job, client, deps } = run;
  const context = await loadJobContext({ client, job, config: deps.config });
  if (!context.ok) return { ok: false, ending: failedEnding({ what: "`.github/local-agent.yml` on the default branch is not valid", hint: "Fix it (see the earlier comment), then comment `/fix`.", outcome: "refused" }) };
  const modelSpec = context.repoConfig.model ?? deps.config.model;
  if (job.checkRunId !== null) {
    const output = renderCheckOutput({ title: "Running", summary: [{ own: `Working on #${job.number} with \`${modelSpec}\`.` }], secrets: [] });
    await markCheckRunInProgress({ client, repo: job.repo, checkRunId: job.checkRunId, startedAt: deps.now(), output }).catch((error: unknown) =>
      run.log.warn({ job: job.id, err: describeGitHubFailure(error) }, "could not mark the check run in progress"),
    );
  }
  const frozen = jobPayload(job);
  const { pr } = context;
  const frozenReview = readFrozenReview(job.payload);
  // The task is the text as it was when the writer asked, plus the writer's `/fix` instructions (or review).
  const built: { ok: true; task: Task; review?: ReviewPlan } | { ok: false; message: string } = frozenReview
    ? await planReview({ client, store: deps.store, job, review: frozenReview, defaultAllowed: context.repoConfig.allowed })
    : buildTask({
        title: frozen.title,
        body: pr ? `${frozen.body}\n\n${job.instructions ?? ""}` : frozen.body,
        labels: frozen.labels,
        defaultAllowed: context.repoConfig.allowed,
        instructions: job.instructions,
      });
  if (!built.ok) return { ok: false, ending: taskRefusedEnding({ message: built.message }) };
  const review = built.review ?? null;
  if (pr && pr.headRepo?.toLowerCase() !== job.repo.toLowerCase()) {
    // Intake refuses fork pull requests; this only guards against a head that moved to a fork since.
    return { ok: false, ending: failedEnding({ what: "the pull request's head is not in this repository", hint: "Push the branch to this repository and comment `/fix` on a pull request from it.", outcome: "refused" }) };
  }
  const workBranch = pr ? pr.headRef : `local-agent/${job.target === "issue" ? "issue" : "pr"}-${job.number}-${job.id}`;
  const checkout: CheckoutPlan = { cloneUrl: frozen.cloneUrl, baseBranch: pr ? pr.headRef : context.defaultBranch, workBranch };
  return { ok: true, plan: { context, task: built.task, checkout, onPullRequestBranch: pr !== null, modelSpec, review } };
}
