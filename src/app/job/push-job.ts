import type { DiffStat } from "../../github/render-pull-request-body.js";
import { openGit } from "../../workspace/git/open-git.js";
import { pushBranch } from "../../workspace/git/push-branch.js";
import type { JobRun } from "./job-run.js";
import type { JobPlan } from "./plan-job.js";
import { workBase } from "./work-base.js";

/**
 * Stage 5, push: the work branch, without force, with a freshly minted token; only a new
 * `local-agent/…` branch or the same-repository pull request's own branch. Returns the diffstat
 * against where the work started, and the commit pushed.
 */
export async function pushJob(run: JobRun, plan: JobPlan, dir: string): Promise<{ diff: DiffStat[]; head: string }> {
  const { deps } = run;
  const { checkout, context } = plan;
  await pushBranch({
    dir,
    branch: checkout.workBranch,
    defaultBranch: context.defaultBranch,
    ...(plan.onPullRequestBranch ? { pullRequestBranch: checkout.workBranch } : {}),
    token: await run.mint(),
    env: deps.env,
    signal: run.signal,
  });
  const git = openGit({ dir, env: deps.env });
  const head = (await git.revparse(["HEAD"])).trim();
  const out = await git
    .raw(["diff", "--numstat", `${workBase(plan)}...HEAD`])
    .catch(() => "");
  const diff = out
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [added = "0", removed = "0", ...file] = line.split("\t");
      return { path: file.join("\t"), added: Number(added) || 0, removed: Number(removed) || 0 };
    });
  return { diff, head };
}
