import { openGit } from "./open-git.js";
import { selectCommittablePaths, type SkippedPath } from "./select-committable-paths.js";

/**
 * Commits exactly the given paths (the files the agent wrote), for checkpoints and the final
 * commit alike. Every git command gets `--literal-pathspecs`: a written file named `:!NOTES.md`,
 * `*`, `[ab]` or `:(glob)**` is that one file, not a pattern that sweeps in what the tests
 * generated. Never `git add -A`: a nested repository planted by the tests could make git run
 * its filters on the host, or be committed as a gitlink. Paths that are no longer regular files
 * the agent could have written are left out (`onSkipped` hears why).
 * Returns the new commit's sha, or null when those paths have no changes.
 */
export async function commitPaths(params: {
  dir: string;
  paths: readonly string[];
  message: string;
  author: { name: string; email: string };
  env: NodeJS.ProcessEnv;
  onSkipped?: (skipped: SkippedPath) => void;
}): Promise<string | null> {
  const { paths, skipped } = await selectCommittablePaths({ dir: params.dir, paths: params.paths });
  for (const entry of skipped) params.onSkipped?.(entry);
  if (paths.length === 0) return null;
  const git = openGit({ dir: params.dir, env: params.env });
  await git.raw(["--literal-pathspecs", "add", "--", ...paths]);
  const staged = (await git.raw(["--literal-pathspecs", "diff", "--cached", "--name-only", "-z", "--", ...paths])).split("\0").filter(Boolean);
  if (staged.length === 0) return null;
  const identity = [
    `-c`, `user.name=${params.author.name}`,
    `-c`, `user.email=${params.author.email}`,
  ];
  // `commit -- <paths>` records only these paths, whatever else the index holds.
  await git.raw([...identity, "--literal-pathspecs", "commit", "--no-verify", "--no-gpg-sign", "-m", params.message, "--", ...paths]);
  return (await git.revparse(["HEAD"])).trim();
}
