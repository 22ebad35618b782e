import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { commitPaths } from "../../src/workspace/git/commit-paths.js";
import { prepareCheckout } from "../../src/workspace/git/prepare-checkout.js";
import { deleteRemoteBranch, pushBranch, PushRefusedError } from "../../src/workspace/git/push-branch.js";
import { makeBareRemote } from "../helpers/bare-remote.js";
import { startGitHttpServer } from "../helpers/git-http-server.js";

const TOKEN = "ghs_16C7e42F292c6912E7710c838347Ae178B4a";
const BOT = { name: "local-agent[bot]", email: "123+local-agent[bot]@users.noreply.github.com" };
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function tmp(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "la-ws-"));
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

async function grepTree(dir: string, needle: string): Promise<string[]> {
  const hits: string[] = [];
  const walk = async (folder: string) => {
    for (const entry of await fs.readdir(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && (await fs.readFile(full)).includes(needle)) hits.push(full);
    }
  };
  await walk(dir);
  return hits;
}

describe("git flow over authenticated smart HTTP", () => {
  it("clones, commits and pushes with the token only in the credential helper's environment", async () => {
    const remote = await makeBareRemote({ "src/a.js": "export const a = 1;\n", "README.md": "# r\n" });
    cleanups.push(remote.cleanup);
    const server = await startGitHttpServer({ projectRoot: remote.root, token: TOKEN });
    cleanups.push(server.close);
    const dir = path.join(await tmp(), "checkout");
    const env = { ...process.env, HOME: await tmp() };

    const { headSha } = await prepareCheckout({
      plan: { cloneUrl: server.url("repo.git"), baseBranch: "main", workBranch: "local-agent/issue-7-1" },
      dir,
      token: TOKEN,
      env,
    });
    expect(headSha).toMatch(/^[0-9a-f]{40}$/);
    await fs.writeFile(path.join(dir, "src/a.js"), "export const a = 2;\n");
    const sha = await commitPaths({ dir, paths: ["src/a.js"], message: "Fix #7", author: BOT, env });
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    await pushBranch({ dir, branch: "local-agent/issue-7-1", defaultBranch: "main", token: TOKEN, env });

    expect(remote.git("rev-parse", "refs/heads/local-agent/issue-7-1").trim()).toBe(sha);
    expect(remote.git("log", "-1", "--format=%an <%ae>", "local-agent/issue-7-1").trim()).toBe(`${BOT.name} <${BOT.email}>`);
    expect(remote.git("rev-parse", "refs/heads/main").trim()).toBe(headSha);
    // The token authenticated (every served request carried it) yet is nowhere on disk or in URLs.
    expect(server.requests.some((r) => r.authorization?.startsWith("Basic "))).toBe(true);
    expect(server.requests.every((r) => !r.url.includes(TOKEN))).toBe(true);
    expect(await grepTree(path.join(dir, ".git"), TOKEN)).toEqual([]);
    expect(await grepTree(env.HOME, TOKEN)).toEqual([]);
    expect(await fs.readFile(path.join(dir, ".git/config"), "utf8")).toContain(`url = ${server.url("repo.git")}`);
    // Partial clone: blobs are fetched on demand.
    expect(execFileSync("git", ["config", "remote.origin.partialclonefilter"], { cwd: dir }).toString().trim()).toBe("blob:none");
  });

  it("fails clearly without the token", async () => {
    const remote = await makeBareRemote({ "a.txt": "a\n" });
    cleanups.push(remote.cleanup);
    const server = await startGitHttpServer({ projectRoot: remote.root, token: TOKEN });
    cleanups.push(server.close);
    const dir = path.join(await tmp(), "checkout");
    await expect(
      prepareCheckout({ plan: { cloneUrl: server.url("repo.git"), baseBranch: "main", workBranch: "local-agent/x" }, dir, token: "ghs_wrong", env: { ...process.env, HOME: await tmp() } }),
    ).rejects.toThrow(/Authentication failed|could not read|401/);
  });
});

describe("push rules", () => {
  it("never pushes the default branch, never force, only local-agent/* or the PR's branch", async () => {
    const remote = await makeBareRemote({ "a.txt": "a\n" });
    cleanups.push(remote.cleanup);
    const dir = path.join(await tmp(), "checkout");
    const env = { ...process.env, HOME: await tmp() };
    await prepareCheckout({ plan: { cloneUrl: remote.url, baseBranch: "main", workBranch: "local-agent/issue-1-1" }, dir, token: null, env });
    const push = (branch: string, extra: { pullRequestBranch?: string } = {}) => pushBranch({ dir, branch, defaultBranch: "main", token: null, env, ...extra });
    await expect(push("main")).rejects.toThrow(PushRefusedError);
    await expect(push("feature")).rejects.toThrow(/only local-agent\/\* branches/);
    await expect(push("local-agent/bad..name")).rejects.toThrow(/not a valid branch name/);
    await expect(push("+local-agent/x")).rejects.toThrow(PushRefusedError);
    await expect(push("local-agent/has space")).rejects.toThrow('"local-agent/has space" is not a valid branch name');
    // The default branch is refused even where it is also the pull request's branch.
    await expect(pushBranch({ dir, branch: "trunk", defaultBranch: "trunk", pullRequestBranch: "trunk", token: null, env })).rejects.toThrow(
      'refusing to push to the default branch "trunk"',
    );
    await expect(push("main")).rejects.toMatchObject({ name: "PushRefusedError" });

    // A branch that moved on the remote is not overwritten (no force).
    await fs.writeFile(path.join(dir, "a.txt"), "mine\n");
    await commitPaths({ dir, paths: ["a.txt"], message: "mine", author: BOT, env });
    await remote.commitOn("local-agent/issue-1-1", { "b.txt": "theirs\n" }, "someone else");
    await expect(push("local-agent/issue-1-1")).rejects.toThrow(/rejected|fetch first|non-fast-forward/);
    expect(remote.git("log", "-1", "--format=%s", "local-agent/issue-1-1").trim()).toBe("someone else");
  });

  it("resumes on the job's branch when an earlier attempt pushed it, and deletes only local-agent/* branches", async () => {
    const remote = await makeBareRemote({ "a.txt": "a\n" });
    cleanups.push(remote.cleanup);
    const env = { ...process.env, HOME: await tmp() };
    const plan = { cloneUrl: remote.url, baseBranch: "main", workBranch: "local-agent/issue-3-9" };
    // Into a folder whose parents do not exist yet.
    const first = path.join(await tmp(), "nested", "first");
    expect(await prepareCheckout({ plan, dir: first, token: null, env })).toMatchObject({ resumed: false, headSha: remote.git("rev-parse", "main").trim() });
    await fs.writeFile(path.join(first, "a.txt"), "checkpoint\n");
    const checkpoint = await commitPaths({ dir: first, paths: ["a.txt"], message: "checkpoint", author: BOT, env });
    await pushBranch({ dir: first, branch: plan.workBranch, defaultBranch: "main", token: null, env });

    const second = path.join(await tmp(), "second");
    expect(await prepareCheckout({ plan, dir: second, token: null, env })).toEqual({ resumed: true, headSha: checkpoint });
    expect(execFileSync("git", ["rev-parse", "--abbrev-ref", "HEAD"], { cwd: second }).toString().trim()).toBe(plan.workBranch);
    expect(await fs.readFile(path.join(second, "a.txt"), "utf8")).toBe("checkpoint\n");

    await expect(deleteRemoteBranch({ dir: second, branch: "main", token: null, env })).rejects.toThrow('refusing to delete "main": only local-agent/* branches');
    await deleteRemoteBranch({ dir: second, branch: plan.workBranch, token: null, env });
    expect(remote.git("branch", "--list", "local-agent/*").trim()).toBe("");
  });

  it("works on a pull request's own branch and on a fork's pull/N/head", async () => {
    const remote = await makeBareRemote({ "a.txt": "a\n" });
    cleanups.push(remote.cleanup);
    const prSha = await remote.commitOn("feature", { "f.txt": "feature\n" }, "feature work");
    remote.git("update-ref", "refs/pull/5/head", prSha);
    const env = { ...process.env, HOME: await tmp() };

    const same = path.join(await tmp(), "same");
    await prepareCheckout({ plan: { cloneUrl: remote.url, baseBranch: "feature", workBranch: "feature" }, dir: same, token: null, env });
    await fs.writeFile(path.join(same, "f.txt"), "fixed\n");
    await commitPaths({ dir: same, paths: ["f.txt"], message: "fix", author: BOT, env });
    await pushBranch({ dir: same, branch: "feature", defaultBranch: "main", pullRequestBranch: "feature", token: null, env });
    expect(remote.git("log", "-1", "--format=%s", "feature").trim()).toBe("fix");

    const fork = path.join(await tmp(), "fork");
    const { headSha } = await prepareCheckout({ plan: { cloneUrl: remote.url, baseBranch: "main", pullNumber: 5, workBranch: "local-agent/pr-5-2" }, dir: fork, token: null, env });
    expect(headSha).toBe(prSha);
  });

  it("commits only the named paths, even when a nested repository was planted", async () => {
    const remote = await makeBareRemote({ "a.txt": "a\n" });
    cleanups.push(remote.cleanup);
    const dir = path.join(await tmp(), "checkout");
    const env = { ...process.env, HOME: await tmp() };
    await prepareCheckout({ plan: { cloneUrl: remote.url, baseBranch: "main", workBranch: "local-agent/x-1" }, dir, token: null, env });
    await fs.writeFile(path.join(dir, "a.txt"), "changed\n");
    await fs.writeFile(path.join(dir, "stray.txt"), "tests wrote this\n");
    const marker = path.join(await tmp(), "filter-ran");
    await fs.mkdir(path.join(dir, "nested"));
    execFileSync("git", ["init", "-q"], { cwd: path.join(dir, "nested") });
    execFileSync("git", ["config", "filter.evil.clean", `touch ${marker}; cat`], { cwd: path.join(dir, "nested") });
    await fs.writeFile(path.join(dir, "nested/.gitattributes"), "* filter=evil\n");
    await fs.writeFile(path.join(dir, "nested/x"), "x\n");
    const sha = await commitPaths({ dir, paths: ["a.txt"], message: "only a", author: BOT, env });
    expect(execFileSync("git", ["show", "--name-only", "--format=", sha ?? ""], { cwd: dir }).toString().trim()).toBe("a.txt");
    await expect(fs.stat(marker)).rejects.toThrow();
    expect(await commitPaths({ dir, paths: ["a.txt"], message: "again", author: BOT, env })).toBeNull();
  });
});
