import { openGit } from "./open-git.js";

export class PushRefusedError extends Error {
  override readonly name = "PushRefusedError";
}

/**
 * Pushes the work branch without force. Refuses the default branch, and any branch outside
 * `local-agent/` unless it is the pull request's own branch that `/fix` was asked on.
 */
export async function pushBranch(params: {
  dir: string;
  branch: string;
  defaultBranch: string;
  /** A pull request's head branch that `/fix` may update. */
  pullRequestBranch?: string;
  token: string | null;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}): Promise<void> {
  const { branch } = params;
  if (branch === params.defaultBranch) throw new PushRefusedError(`refusing to push to the default branch "${branch}"`);
  if (!branch.startsWith("local-agent/") && branch !== params.pullRequestBranch) {
    throw new PushRefusedError(`refusing to push "${branch}": only local-agent/* branches (or the pull request's own branch) are pushed`);
  }
  const git = openGit({ dir: params.dir, env: params.env, token: params.token, signal: params.signal });
  const valid = await git.raw(["check-ref-format", "--branch", branch]).then(
    () => true,
    () => false,
  );
  if (!valid || branch.includes("..") || branch.startsWith("-")) throw new PushRefusedError(`"${branch}" is not a valid branch name`);
  // An explicit refspec with no "+" and no --force: a non-fast-forward is rejected by the server.
  await git.raw(["push", "--no-verify", "origin", `HEAD:refs/heads/${branch}`]);
}

/**
 * Deletes a `local-agent/…` branch this job pushed checkpoints to, when the job ends without a
 * pull request (cancelled, past its deadline, refused at the last check): what the ending says,
 * "nothing was pushed", stays true. Any other branch is refused.
 */
export async function deleteRemoteBranch(params: { dir: string; branch: string; token: string | null; env: NodeJS.ProcessEnv }): Promise<void> {
  if (!params.branch.startsWith("local-agent/")) throw new PushRefusedError(`refusing to delete "${params.branch}": only local-agent/* branches`);
  const git = openGit({ dir: params.dir, env: params.env, token: params.token });
  await git.raw(["push", "--no-verify", "origin", "--delete", `refs/heads/${params.branch}`]);
}
