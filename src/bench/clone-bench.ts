import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { prepareCheckout } from "../workspace/git/prepare-checkout.js";

export interface CloneBenchResult {
  files: number;
  commits: number;
  /** Size of the bare repository (all history). */
  repoBytes: number;
  /** The app's checkout: partial clone (`--filter=blob:none`), blobs of HEAD only. */
  partialMs: number;
  /** The same clone without the filter (all blobs of all history). */
  fullMs: number;
}

/**
 * Clone time of a repository with a long history of large files, the app's partial clone against
 * a full one, over git's real transport (`file://` goes through upload-pack like a remote).
 */
export async function benchClone(params: { dir: string; files: number; commits: number; fileBytes: number; clock: () => number }): Promise<CloneBenchResult> {
  const seed = path.join(params.dir, "seed");
  const bare = path.join(params.dir, "large.git");
  const git = (cwd: string, ...args: string[]) =>
    execFileSync("git", ["-c", "core.hooksPath=/dev/null", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", ...args], { cwd, stdio: "pipe" });
  await fs.mkdir(seed, { recursive: true });
  git(params.dir, "init", "-q", "--bare", "-b", "main", bare);
  git(bare, "config", "uploadpack.allowFilter", "true");
  git(seed, "init", "-q", "-b", "main");
  for (let c = 0; c < params.commits; c++) {
    // Every commit rewrites every file with incompressible content: history dominates the size.
    for (let f = 0; f < params.files; f++) {
      await fs.writeFile(path.join(seed, `file-${f}.bin`), randomBytes(params.fileBytes).toString("base64"));
    }
    git(seed, "add", "-A");
    git(seed, "commit", "-q", "-m", `commit ${c}`);
  }
  git(seed, "push", "-q", bare, "main:main");
  await fs.rm(seed, { recursive: true, force: true });
  const repoBytes = await folderBytes(bare);
  const url = `file://${bare}`;
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: params.dir };

  let started = params.clock();
  await prepareCheckout({ plan: { cloneUrl: url, baseBranch: "main", workBranch: "local-agent/bench" }, dir: path.join(params.dir, "partial"), token: null, env });
  const partialMs = params.clock() - started;
  started = params.clock();
  git(params.dir, "clone", "-q", "--no-tags", "--branch", "main", "--single-branch", "--", url, path.join(params.dir, "full"));
  const fullMs = params.clock() - started;
  return { files: params.files, commits: params.commits, repoBytes, partialMs, fullMs };
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await fs.stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
}
