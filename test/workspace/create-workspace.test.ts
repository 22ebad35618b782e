import fs from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createWorkspace, MAX_FILE_BYTES, type FsResult, type Workspace } from "../../src/workspace/create-workspace.js";
import { createTempDirs, exists, git, makeRepo } from "./sandbox-fixtures.js";

const temp = createTempDirs();
afterEach(() => temp.cleanup());

let root: string;
let outside: string;
let ws: Workspace;

/** Only `docs/locked.md` is off limits, to see canWrite's reason come through. */
const canWrite = (repoPath: string): FsResult<object> =>
  repoPath === "docs/locked.md" ? { ok: false, reason: "docs/locked.md is outside the task's scope" } : { ok: true };

beforeEach(async () => {
  outside = await temp.make("la-outside-");
  await fs.writeFile(path.join(outside, "secret.txt"), "outside secret\n");
  root = await makeRepo(await temp.make("la-ws-"), {
    ".gitignore": ".env\nbuild/\n",
    "src/app.ts": "export const app = 1;\n",
    "docs/locked.md": "# locked\n",
    "assets/logo.bin": "PNG\0\0binary",
    "data/big.txt": "x".repeat(MAX_FILE_BYTES + 10),
  });
  await fs.writeFile(path.join(root, ".env"), "GITHUB_TOKEN=ghs_local_secret\n");
  // Symlinks a repository can commit: to a file outside, to a folder outside, to a file inside,
  // to the ignored .env, into .git, and dangling ones whose targets do not exist (yet).
  await fs.symlink(path.join(outside, "secret.txt"), path.join(root, "escape-file"));
  await fs.symlink(outside, path.join(root, "escape-dir"));
  await fs.symlink("src/app.ts", path.join(root, "alias.ts"));
  await fs.symlink(".env", path.join(root, "env-link"));
  await fs.symlink(".git/config", path.join(root, "git-config-link"));
  await fs.symlink(path.join(outside, "planted.txt"), path.join(root, "dangling-file"));
  await fs.symlink(path.join(outside, "newdir"), path.join(root, "dangling-dir"));
  await git(root, "add", "-A");
  await git(root, "commit", "-q", "-m", "symlinks");
  ws = await createWorkspace({ root, canWrite });
});

function refused(result: FsResult<object>): string {
  expect(result.ok).toBe(false);
  return result.ok ? "" : result.reason;
}

describe("workspace guard: legitimate use", () => {
  it("reads tracked files and writes new and existing ones", async () => {
    const read = await ws.readText("src/app.ts");
    expect(read).toEqual({ ok: true, path: "src/app.ts", text: "export const app = 1;\n" });

    expect(await ws.writeText("./src/new/feature.ts", "export const f = 2;\n")).toEqual({
      ok: true,
      path: "src/new/feature.ts",
      created: true,
    });
    expect(await ws.writeText("src/app.ts", "export const app = 3;\n")).toEqual({ ok: true, path: "src/app.ts", created: false });
    expect(await fs.readFile(path.join(root, "src/new/feature.ts"), "utf8")).toBe("export const f = 2;\n");
    expect((await ws.readText("src/app.ts")).ok && (await ws.readText("src/app.ts"))).toMatchObject({ text: "export const app = 3;\n" });
    expect(ws.written).toEqual(["src/new/feature.ts", "src/app.ts"]);
    expect(ws.version).toBe(2);
    // A new untracked (not ignored) file is listed and readable.
    expect(await ws.listFiles()).toContain("src/new/feature.ts");
  });

  it("reads through a symlink that stays inside the repository", async () => {
    expect(await ws.readText("alias.ts")).toMatchObject({ ok: true, text: "export const app = 1;\n" });
  });
});

describe("workspace guard: escapes", () => {
  it("refuses a committed symlink to a file outside, for reading and writing", async () => {
    expect(refused(await ws.readText("escape-file"))).toMatch(/outside the repository/);
    expect(refused(await ws.writeText("escape-file", "pwned"))).toMatch(/outside the repository/);
    expect(await fs.readFile(path.join(outside, "secret.txt"), "utf8")).toBe("outside secret\n");
  });

  it("refuses paths through a symlinked folder that leads outside", async () => {
    expect(refused(await ws.readText("escape-dir/secret.txt"))).toMatch(/outside the repository/);
    expect(refused(await ws.writeText("escape-dir/secret.txt", "pwned"))).toMatch(/outside the repository/);
    expect(refused(await ws.writeText("escape-dir/new.txt", "pwned"))).toMatch(/outside the repository/);
    expect(await fs.readFile(path.join(outside, "secret.txt"), "utf8")).toBe("outside secret\n");
    expect(await exists(path.join(outside, "new.txt"))).toBe(false);
  });

  it("refuses dangling symlinks with a reason instead of failing or following them", async () => {
    expect(refused(await ws.writeText("dangling-file", "pwned"))).toMatch(/symlink whose target is missing/);
    expect(refused(await ws.writeText("dangling-dir/x.txt", "pwned"))).toMatch(/symlink whose target is missing/);
    expect(refused(await ws.readText("dangling-file"))).toMatch(/symlink whose target is missing/);
    expect(await exists(path.join(outside, "planted.txt"))).toBe(false);
    expect(await exists(path.join(outside, "newdir"))).toBe(false);
  });

  it("refuses writes through a symlink inside the repository", async () => {
    expect(refused(await ws.writeText("alias.ts", "export const app = 666;\n"))).toMatch(/is a symlink/);
    expect(await fs.readFile(path.join(root, "src/app.ts"), "utf8")).toBe("export const app = 1;\n");
  });

  it.each([
    ["../outside.txt", /contains "\.\."/],
    ["src/../../outside.txt", /contains "\.\."/],
    ["/etc/passwd", /absolute/],
    ["~/.ssh/id_rsa", /absolute/],
    [".git/config", /inside \.git/],
    [".git/hooks/pre-commit", /inside \.git/],
    ["src/.GIT/config", /inside \.git/],
    ["", /empty/],
    [".", /repository root/],
  ])("refuses %j", async (input, reason) => {
    expect(refused(await ws.readText(input))).toMatch(reason);
    expect(refused(await ws.writeText(input, "pwned"))).toMatch(reason);
  });

  it("refuses a symlink into .git", async () => {
    const configBefore = await fs.readFile(path.join(root, ".git/config"), "utf8");
    expect(refused(await ws.readText("git-config-link"))).toMatch(/outside the repository/);
    expect(refused(await ws.writeText("git-config-link", "[core]\n\thooksPath = /tmp\n"))).toMatch(/outside the repository/);
    expect(await fs.readFile(path.join(root, ".git/config"), "utf8")).toBe(configBefore);
  });
});

describe("workspace guard: unreadable content", () => {
  it("does not read ignored files such as .env, directly or through a tracked symlink", async () => {
    expect(refused(await ws.readText(".env"))).toMatch(/not a tracked file/);
    expect(refused(await ws.readText("env-link"))).toMatch(/not a tracked file/);
    expect(await ws.listFiles()).not.toContain(".env");
  });

  it("explains binary and oversized files, folders and missing files", async () => {
    expect(refused(await ws.readText("assets/logo.bin"))).toMatch(/binary file/);
    expect(refused(await ws.readText("data/big.txt"))).toMatch(/over the 1\.0 MB limit/);
    expect(refused(await ws.writeText("src/huge.ts", "x".repeat(MAX_FILE_BYTES + 1)))).toMatch(/over the 1\.0 MB limit/);
    expect(refused(await ws.readText("src"))).toMatch(/is a folder/);
    expect(refused(await ws.writeText("src", "x"))).toMatch(/is a folder/);
    expect(refused(await ws.readText("src/missing.ts"))).toMatch(/does not exist/);
    expect(await exists(path.join(root, "src/huge.ts"))).toBe(false);
  });

  it("passes canWrite's refusal through", async () => {
    expect(refused(await ws.writeText("docs/locked.md", "changed"))).toBe("docs/locked.md is outside the task's scope");
    expect(await fs.readFile(path.join(root, "docs/locked.md"), "utf8")).toBe("# locked\n");
    expect(ws.written).toEqual([]);
  });
});
