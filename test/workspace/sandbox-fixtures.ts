import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";

/** Temp folders made by a test file, removed in `afterEach`/`afterAll` through `cleanup`. */
export function createTempDirs() {
  const made: string[] = [];
  return {
    async make(prefix = "la-sandbox-"): Promise<string> {
      const dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), prefix)));
      made.push(dir);
      return dir;
    },
    async cleanup(): Promise<void> {
      for (const dir of made.splice(0)) await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** Plain git for fixtures (the code under test uses its own hardened invocation). */
export function git(cwd: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      ["-c", "user.name=Fixture", "-c", "user.email=fixture@example.invalid", "-c", "init.defaultBranch=main", ...args],
      { cwd, env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1" } },
      (error, stdout, stderr) => (error ? reject(new Error(`git ${args.join(" ")}: ${stderr}`)) : resolve(stdout)),
    );
  });
}

/** A git checkout with the given files committed. */
export async function makeRepo(dir: string, files: Record<string, string> = { "README.md": "# fixture\n" }): Promise<string> {
  await git(dir, "init", "-q");
  for (const [name, content] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await fs.writeFile(path.join(dir, name), content);
  }
  await git(dir, "add", "-A");
  await git(dir, "commit", "-q", "-m", "fixture");
  return dir;
}

export async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

/** pids whose command line contains `marker` (pgrep -f), excluding none: pgrep skips itself. */
export function pgrep(marker: string): Promise<number[]> {
  return new Promise((resolve) => {
    execFile("pgrep", ["-f", marker], (_error, stdout) =>
      resolve(stdout.split("\n").filter(Boolean).map(Number)),
    );
  });
}

/** Polls until `check` holds or `timeoutMs` passes; returns the last value of `check`. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
