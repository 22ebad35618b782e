import fs from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createAllowedMatcher } from "../../src/task/allowed-files.js";
import { createBwrapRunner } from "../../src/workspace/create-bwrap-runner.js";
import { createWorkspace } from "../../src/workspace/create-workspace.js";
import { commitPaths } from "../../src/workspace/git/commit-paths.js";
import { createTempDirs, git, makeRepo } from "./sandbox-fixtures.js";

/**
 * Issue 11, attack 2: paths reached `git add`/`git commit` as pathspecs, so a file the agent
 * named `:!NOTES.md` (allowed by the glob `*.md`) made a checkpoint commit take everything
 * except NOTES.md, including what the test command had generated. Real git, real bubblewrap
 * for the test command, the agent's own write tool for the names.
 */

const temp = createTempDirs();
afterEach(() => temp.cleanup());

const BOT = { name: "local-agent[bot]", email: "1+local-agent[bot]@users.noreply.github.com" };
/** Names that are pathspec magic or globs to git, all allowed by `*.md`-style globs or by `*`. */
const HOSTILE_NAMES = [":!NOTES.md", "*", "?", "[ab]", ":(glob)**", "src/:(exclude)x.md"];
/** What the test command leaves in the checkout: plain files, a file matching `[ab]`, and a nested repository. */
const TEST_COMMAND = [
  "mkdir -p src && echo generated > src/generated.ts",
  "echo a > a && echo b > b",
  "git init -q vendor/inner && echo x > vendor/inner/x",
  "git -C vendor/inner -c user.name=t -c user.email=t@t add x && git -C vendor/inner -c user.name=t -c user.email=t@t commit -q -m x",
].join(" && ");

const tree = async (dir: string, rev: string) => (await git(dir, "ls-tree", "-r", "--name-only", "-z", rev)).split("\0").filter(Boolean).sort();
const changedIn = async (dir: string, rev: string) =>
  (await git(dir, "show", "--name-only", "-z", "--format=", rev)).split("\0").filter(Boolean).sort();

async function checkout() {
  const dir = await makeRepo(await temp.make("la-commit-"), { "NOTES.md": "notes\n", "README.md": "# r\n" });
  const allowed = createAllowedMatcher(["*", "*.md", "src/*.md", "docs/**", "lib/**"]);
  const workspace = await createWorkspace({ root: dir, canWrite: (p) => (allowed(p) ? { ok: true } : { ok: false, reason: "not allowed" }) });
  return { dir, workspace };
}

describe("commits take only the files the agent wrote, as literal paths", () => {
  it("checkpoint and final commits with hostile names leave generated files and a nested repository out", async () => {
    const { dir, workspace } = await checkout();
    for (const name of HOSTILE_NAMES) {
      const written = await workspace.writeText(name, `agent wrote ${name}\n`);
      expect(written.ok, name).toBe(true);
    }
    const tests = await createBwrapRunner().run({ command: TEST_COMMAND, cwd: dir, timeoutMs: 30_000, maxOutputBytes: 16 * 1024 });
    expect(tests.exitCode, tests.output).toBe(0);

    const checkpoint = await commitPaths({ dir, paths: workspace.written, message: "checkpoint", author: BOT, env: process.env });
    expect(checkpoint).toMatch(/^[0-9a-f]{40}$/);
    expect(await changedIn(dir, "HEAD")).toEqual([...HOSTILE_NAMES].sort());

    // More edits after the checkpoint; the final commit takes only those.
    await workspace.writeText("*", "agent changed * again\n");
    await workspace.writeText("docs/guide.md", "# guide\n");
    const final = await commitPaths({ dir, paths: workspace.written, message: "final", author: BOT, env: process.env });
    expect(await changedIn(dir, final ?? "HEAD")).toEqual(["*", "docs/guide.md"]);

    const committed = await tree(dir, "HEAD");
    expect(committed).toEqual(["NOTES.md", "README.md", "docs/guide.md", ...HOSTILE_NAMES].sort());
    expect(committed).not.toContain("src/generated.ts");
    expect(committed).not.toContain("a");
    // No gitlink for the nested repository either.
    expect(await git(dir, "ls-tree", "-r", "HEAD")).not.toMatch(/^160000/m);
    // The generated files are still there, untracked: nothing was deleted, just not committed.
    expect(await git(dir, "status", "--porcelain", "--untracked-files=all")).toContain("?? src/generated.ts");
  });

  it("leaves out a written file that the tests turned into a folder, a symlink or part of a nested repository", async () => {
    const { dir, workspace } = await checkout();
    for (const name of ["docs/a.md", "docs/b.md", "lib/util.ts", "kept.md"]) await workspace.writeText(name, "agent\n");
    const replace = [
      "rm docs/a.md && mkdir docs/a.md && echo generated > docs/a.md/inside.txt",
      "rm docs/b.md && ln -s ../README.md docs/b.md",
      "git init -q lib",
    ].join(" && ");
    const tests = await createBwrapRunner().run({ command: replace, cwd: dir, timeoutMs: 30_000, maxOutputBytes: 16 * 1024 });
    expect(tests.exitCode, tests.output).toBe(0);

    const skipped: string[] = [];
    const sha = await commitPaths({ dir, paths: workspace.written, message: "c", author: BOT, env: process.env, onSkipped: (s) => skipped.push(`${s.path}: ${s.reason}`) });
    expect(sha).not.toBeNull();
    expect(await changedIn(dir, "HEAD")).toEqual(["kept.md"]);
    expect(skipped).toEqual([
      "docs/a.md: it is now a folder (something other than the agent replaced it)",
      "docs/b.md: it is no longer a regular file (something other than the agent replaced it)",
      "lib/util.ts: it is inside a nested repository (lib)",
    ]);
  });

  it("a written file the tests deleted does not fail the commit of the others", async () => {
    const { dir, workspace } = await checkout();
    await workspace.writeText("gone.md", "agent\n");
    await workspace.writeText("kept.md", "agent\n");
    await fs.rm(path.join(dir, "gone.md"));
    await commitPaths({ dir, paths: workspace.written, message: "c", author: BOT, env: process.env });
    expect(await changedIn(dir, "HEAD")).toEqual(["kept.md"]);
  });
});
