import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";

const IDENTITY = {
  GIT_AUTHOR_NAME: "Maintainer",
  GIT_AUTHOR_EMAIL: "maintainer@example.invalid",
  GIT_COMMITTER_NAME: "Maintainer",
  GIT_COMMITTER_EMAIL: "maintainer@example.invalid",
};

/**
 * A bare repository in a temp folder seeded with `files` on `main` (the remote a test clones
 * from and pushes to). `git(...)` runs git against the bare repository.
 */
export async function makeBareRemote(files: Record<string, string>, params: { name?: string; branch?: string } = {}) {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "la-remote-"));
  const name = params.name ?? "repo.git";
  const bare = path.join(root, name);
  const seed = path.join(root, "seed");
  const branch = params.branch ?? "main";
  const run = (cwd: string, ...args: string[]) =>
    execFileSync("git", ["-c", "core.hooksPath=/dev/null", ...args], { cwd, env: { ...process.env, ...IDENTITY }, stdio: "pipe" }).toString();
  await fs.mkdir(seed);
  for (const [file, content] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(seed, file)), { recursive: true });
    await fs.writeFile(path.join(seed, file), content);
  }
  run(root, "init", "-q", "--bare", "-b", branch, name);
  // Partial clones ask the server for filtered packs.
  run(bare, "config", "uploadpack.allowFilter", "true");
  run(bare, "config", "uploadpack.allowAnySHA1InWant", "true");
  run(seed, "init", "-q", "-b", branch);
  run(seed, "add", "-A");
  run(seed, "commit", "-q", "-m", "Initial commit");
  run(seed, "push", "-q", bare, `${branch}:${branch}`);
  return {
    root,
    bare,
    url: `file://${bare}`,
    git: (...args: string[]) => run(bare, ...args),
    /** Commits more files on a branch of the remote (e.g. a pull request's head). */
    async commitOn(target: string, more: Record<string, string>, message = "Change"): Promise<string> {
      run(seed, "checkout", "-q", "-B", target);
      for (const [file, content] of Object.entries(more)) {
        await fs.mkdir(path.dirname(path.join(seed, file)), { recursive: true });
        await fs.writeFile(path.join(seed, file), content);
      }
      run(seed, "add", "-A");
      run(seed, "commit", "-q", "-m", message);
      run(seed, "push", "-q", bare, `${target}:${target}`);
      return run(seed, "rev-parse", "HEAD").trim();
    },
    cleanup: () => fs.rm(root, { recursive: true, force: true }),
  };
}
