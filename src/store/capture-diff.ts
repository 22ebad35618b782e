import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { runHostGit } from "../workspace/host-git.js";

/** Diffs larger than this are cut (the run page is for reading; the branch holds the rest). */
const MAX_DIFF_CHARS = 1_000_000;

/**
 * The unified diff of the files a run changed, from where the run started (`base`, or its merge
 * base with HEAD) to the working tree: checkpoint commits, the final commit and uncommitted edits
 * alike, new files included. It stages into a throwaway index (`GIT_INDEX_FILE`), so the
 * checkout's own index, which may be a user's, is never touched. Null when there is nothing to diff
 * or git fails (the run is stored anyway).
 */
export async function captureDiff(params: { dir: string; base: string; paths: readonly string[]; env: NodeJS.ProcessEnv }): Promise<string | null> {
  if (params.paths.length === 0) return null;
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), "la-diff-"));
  const git = (args: string[]) =>
    runHostGit({ args, cwd: params.dir, env: { ...params.env, GIT_INDEX_FILE: path.join(scratch, "index") }, maxBuffer: 16 * MAX_DIFF_CHARS });
  try {
    const from = await git(["merge-base", params.base, "HEAD"]).then(
      (result) => result.stdout.trim(),
      () => params.base,
    );
    await git(["read-tree", "HEAD"]);
    // Only paths that exist: a file the agent created and a later step removed has nothing to add.
    const present: string[] = [];
    for (const file of params.paths) {
      if (await fs.stat(path.join(params.dir, file)).then(() => true, () => false)) present.push(file);
    }
    if (present.length > 0) await git(["add", "--force", "--", ...present]);
    const { stdout } = await git(["diff", "--cached", "--no-color", "--no-ext-diff", "--no-textconv", from, "--", ...params.paths]);
    if (stdout.trim() === "") return null;
    return stdout.length > MAX_DIFF_CHARS ? `${stdout.slice(0, MAX_DIFF_CHARS)}\n… (diff cut at ${MAX_DIFF_CHARS} characters)\n` : stdout;
  } catch {
    return null;
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}
