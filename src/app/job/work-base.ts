import type { JobPlan } from "./plan-job.js";

/**
 * Where the job's work started, for diffs: the pull request's head as the job found it (work on
 * the pull request's own branch), else the base branch the new `local-agent/…` branch came from.
 */
export function workBase(plan: JobPlan): string {
  return plan.onPullRequestBranch ? plan.context.headSha : `origin/${plan.checkout.baseBranch}`;
}
