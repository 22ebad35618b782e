import fs from "node:fs/promises";
import { openGit } from "./open-git.js";

export interface CheckoutPlan {
  /** Clone URL without credentials (`https://github.com/o/r.git`, or `file://` in tests). */
  cloneUrl: string;
  /** The branch to start from (default branch, or the pull request's head branch). */
  baseBranch: string;
  /** For a fork's pull request: fetch `refs/pull/<n>/head` from the base repository instead. */
  pullNumber?: number;
  /** The branch the work is committed to (a new `local-agent/...` branch, or the PR's branch). */
  workBranch: string;
}

/**
 * Clones into `dir` (partial clone: blobs on demand, so large repositories start fast) and puts
 * the work branch in place (`resumed`: from the job's branch an earlier attempt pushed). The
 * token reaches git only through the credential helper env.
 */
export async function prepareCheckout(params: {
  plan: CheckoutPlan;
  dir: string;
  token: string | null;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}): Promise<{ headSha: string; resumed: boolean }> {
  const { plan, dir } = params;
  await fs.mkdir(dir, { recursive: true });
  const outside = openGit({ dir, env: params.env, token: params.token, signal: params.signal });
  await outside.clone(plan.cloneUrl, dir, ["--filter=blob:none", "--no-tags", "--branch", plan.baseBranch, "--single-branch"]);
  const git = openGit({ dir, env: params.env, token: params.token, signal: params.signal });
  if (plan.pullNumber !== undefined) {
    await git.fetch("origin", `refs/pull/${plan.pullNumber}/head:refs/heads/${plan.workBranch}`, ["--no-tags"]);
    await git.checkout(plan.workBranch);
  } else if (plan.workBranch !== plan.baseBranch) {
    // The job's own branch exists already when an earlier attempt pushed checkpoints to it (its
    // worker died): the work resumes from there, and the final push is a fast-forward.
    const fetched = await git.fetch("origin", `refs/heads/${plan.workBranch}:refs/heads/${plan.workBranch}`, ["--no-tags"]).then(
      () => true,
      () => false,
    );
    if (fetched) await git.checkout(plan.workBranch);
    else await git.checkoutLocalBranch(plan.workBranch);
    return { headSha: (await git.revparse(["HEAD"])).trim(), resumed: fetched };
  }
  return { headSha: (await git.revparse(["HEAD"])).trim(), resumed: false };
}
