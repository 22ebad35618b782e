import { openGit } from "./open-git.js";

/**
 * Commits exactly the given paths (the files the agent wrote). Never `git add -A`: a nested
 * repository planted by the tests could make git run its filters on the host.
 * Returns the new commit's sha, or null when those paths have no changes.
 */
export async function commitPaths(params: {
  dir: string;
  paths: readonly string[];
  message: string;
  author: { name: string; email: string };
  env: NodeJS.ProcessEnv;
}): Promise<string | null> {
  if (params.paths.length === 0) return null;
  const git = openGit({ dir: params.dir, env: params.env });
  await git.raw(["add", "--", ...params.paths]);
  const staged = (await git.raw(["diff", "--cached", "--name-only", "--", ...params.paths])).trim();
  if (staged === "") return null;
  const identity = [
    `-c`, `user.name=${params.author.name}`,
    `-c`, `user.email=${params.author.email}`,
  ];
  await git.raw([...identity, "commit", "--no-verify", "--no-gpg-sign", "-m", params.message, "--", ...params.paths]);
  return (await git.revparse(["HEAD"])).trim();
}
