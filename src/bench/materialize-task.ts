import fs from "node:fs/promises";
import path from "node:path";
import { runHostGit } from "../workspace/host-git.js";
import type { LoadedTask } from "./load-task.js";

/** Author and committer of every materialized commit: fixed, so commit hashes are reproducible. */
export const BENCH_GIT_IDENTITY = { name: "Bench Fixture", email: "bench@local-agent.invalid" } as const;

/** Date of the first commit (2024-03-04T09:00:00Z, seconds since the epoch); later ones follow hourly. */
const FIRST_COMMIT_EPOCH = 1_709_542_800;
const COMMIT_SPACING_S = 3_600;

/**
 * Creates a fresh git checkout of a task at HEAD: copies `repo/` into a new folder under
 * `into` (which must exist) and commits `history` in order with a fixed identity and fixed
 * dates, so the same task always yields the same commit hashes. Returns the checkout's path;
 * the caller removes it (removing `into` is enough).
 */
export async function materializeTask(params: {
  task: Pick<LoadedTask, "id" | "repoDir" | "history">;
  /** An existing folder; the checkout is a new uniquely named folder inside it. */
  into: string;
  /** Base environment for git (PATH); identity, dates and config isolation are added to it. */
  env?: NodeJS.ProcessEnv;
}): Promise<string> {
  const { task } = params;
  const checkout = await fs.mkdtemp(path.join(params.into, `${task.id}-`));
  await fs.cp(task.repoDir, checkout, { recursive: true });

  const baseEnv: NodeJS.ProcessEnv = {
    ...(params.env ?? process.env),
    // The user's ~/.gitconfig (signing, templates, autocrlf) would change the hashes or prompt.
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_AUTHOR_NAME: BENCH_GIT_IDENTITY.name,
    GIT_AUTHOR_EMAIL: BENCH_GIT_IDENTITY.email,
    GIT_COMMITTER_NAME: BENCH_GIT_IDENTITY.name,
    GIT_COMMITTER_EMAIL: BENCH_GIT_IDENTITY.email,
  };
  const git = (args: string[], env: NodeJS.ProcessEnv = baseEnv) => runHostGit({ args, cwd: checkout, env });

  await git(["init", "--quiet", "-b", "main"]);
  for (const [index, commit] of task.history.entries()) {
    const date = `${FIRST_COMMIT_EPOCH + index * COMMIT_SPACING_S} +0000`;
    // --chmod: a checkout of the main repo with odd modes must not change the hashes.
    await git(["add", "--chmod=-x", "--", ...commit.paths]);
    await git(["-c", "commit.gpgsign=false", "commit", "--quiet", "--no-verify", "-m", commit.message], {
      ...baseEnv,
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_DATE: date,
    });
  }

  const { stdout } = await git(["status", "--porcelain", "--untracked-files=all"]);
  if (stdout.trim() !== "") {
    throw new Error(
      `materializing ${task.id}: files of repo/ left uncommitted after the history was replayed:\n${stdout.trimEnd()}\n` +
        `List each file of ${task.repoDir} in one history commit of task.json.`,
    );
  }
  return checkout;
}
