import fs from "node:fs/promises";
import path from "node:path";
import { simpleGit } from "simple-git";
import { afterEach, describe, expect, it } from "vitest";
import { hostGitEnv, hostSimpleGitOptions, runHostGit } from "../../src/workspace/host-git.js";
import { createTempDirs, exists, git, makeRepo } from "./sandbox-fixtures.js";

const temp = createTempDirs();
afterEach(() => temp.cleanup());

const IDENTITY = ["-c", "user.name=Host", "-c", "user.email=host@example.invalid"];

/**
 * A checkout whose .git holds what code in the sandbox (or a malicious repository) would plant
 * if it could: hooks and an fsmonitor command, each leaving a marker file outside the repo.
 */
async function plantedRepo() {
  const repo = await makeRepo(await temp.make("la-hostgit-"), { "README.md": "# planted\n", "a.txt": "a\n" });
  const markers = await temp.make("la-markers-");
  const marker = (name: string) => path.join(markers, name);
  const script = async (file: string, name: string) => {
    await fs.writeFile(file, `#!/bin/sh\necho ran >> ${marker(name)}\n`, { mode: 0o755 });
  };
  await script(path.join(repo, ".git/hooks/pre-commit"), "pre-commit");
  await script(path.join(repo, ".git/hooks/post-checkout"), "post-checkout");
  await script(path.join(markers, "fsmonitor.sh"), "fsmonitor");
  await git(repo, "config", "core.fsmonitor", path.join(markers, "fsmonitor.sh"));
  return { repo, marker };
}

describe("host git hygiene", () => {
  it("the planted hooks and fsmonitor are live: plain git runs them", async () => {
    // The control for the tests below: without the hardening, each marker appears.
    const { repo, marker } = await plantedRepo();
    await git(repo, "status");
    await fs.writeFile(path.join(repo, "a.txt"), "changed\n");
    await git(repo, "commit", "-q", "-am", "change");
    await git(repo, "checkout", "-q", "-b", "feature");
    expect(await exists(marker("fsmonitor"))).toBe(true);
    expect(await exists(marker("pre-commit"))).toBe(true);
    expect(await exists(marker("post-checkout"))).toBe(true);
  });

  it("runHostGit runs no hooks on commit and checkout", async () => {
    const { repo, marker } = await plantedRepo();
    await fs.writeFile(path.join(repo, "a.txt"), "changed\n");
    await runHostGit({ args: ["add", "--", "a.txt"], cwd: repo });
    await runHostGit({ args: [...IDENTITY, "commit", "-q", "-m", "change"], cwd: repo });
    await runHostGit({ args: ["checkout", "-q", "-b", "local-agent/1"], cwd: repo });
    await runHostGit({ args: ["checkout", "-q", "-"], cwd: repo });
    const { stdout } = await runHostGit({ args: ["log", "--oneline"], cwd: repo });
    expect(stdout).toContain("change");
    expect(await exists(marker("pre-commit"))).toBe(false);
    expect(await exists(marker("post-checkout"))).toBe(false);
  });

  it("runHostGit does not run a core.fsmonitor command on status or ls-files", async () => {
    const { repo, marker } = await plantedRepo();
    await fs.writeFile(path.join(repo, "a.txt"), "changed\n");
    const status = await runHostGit({ args: ["status", "--porcelain"], cwd: repo });
    await runHostGit({ args: ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd: repo });
    expect(status.stdout).toContain("a.txt");
    expect(await exists(marker("fsmonitor"))).toBe(false);
  });

  it("does not run the config of a nested repository planted in the checkout", async () => {
    const repo = await makeRepo(await temp.make("la-hostgit-"));
    const markers = await temp.make("la-markers-");
    const filter = path.join(markers, "filter.sh");
    await fs.writeFile(filter, `#!/bin/sh\necho ran >> ${markers}/filter\ncat\n`, { mode: 0o755 });
    // What a test run in the sandbox can build in the writable checkout: a repository with a
    // clean filter in its own (writable) config, then made a gitlink of the outer repository.
    const inner = path.join(repo, "inner");
    await fs.mkdir(inner);
    await makeRepo(inner, { "a.txt": "a\n" });
    await git(inner, "config", "filter.x.clean", filter);
    await fs.writeFile(path.join(inner, ".gitattributes"), "* filter=x\n");
    await git(repo, "add", "inner");
    await git(repo, "commit", "-q", "-m", "nested");
    const touch = (n: number) => fs.utimes(path.join(inner, "a.txt"), n, n);

    await touch(1_000_000);
    await git(repo, "status", "--porcelain");
    expect(await exists(path.join(markers, "filter")), "control: plain git runs the planted filter").toBe(true);
    await fs.rm(path.join(markers, "filter"));

    await fs.writeFile(path.join(repo, "README.md"), "# changed\n");
    await touch(2_000_000);
    await runHostGit({ args: ["status", "--porcelain"], cwd: repo });
    await runHostGit({ args: ["diff", "HEAD"], cwd: repo });
    await runHostGit({ args: ["add", "--", "README.md"], cwd: repo });
    await runHostGit({ args: [...IDENTITY, "commit", "-q", "-m", "readme"], cwd: repo });
    await runHostGit({ args: ["checkout", "-q", "-b", "local-agent/2"], cwd: repo });
    expect(await exists(path.join(markers, "filter"))).toBe(false);
  });

  it("hostSimpleGitOptions gives simple-git the same settings (which it refuses by default)", async () => {
    const { repo, marker } = await plantedRepo();
    const env = hostGitEnv({ PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: repo });
    await expect(simpleGit({ baseDir: repo, config: ["core.hooksPath=/dev/null"] }).env(env).status()).rejects.toThrow(
      /allowUnsafeHooksPath/,
    );
    const sg = simpleGit(hostSimpleGitOptions(repo)).env(env);
    await fs.writeFile(path.join(repo, "a.txt"), "changed\n");
    const status = await sg.status();
    expect(status.modified).toEqual(["a.txt"]);
    await sg.add(["a.txt"]);
    await sg.raw([...IDENTITY, "commit", "-q", "-m", "via simple-git"]);
    await sg.checkoutLocalBranch("local-agent/3");
    expect((await sg.log()).latest?.message).toBe("via simple-git");
    expect(await exists(marker("fsmonitor"))).toBe(false);
    expect(await exists(marker("pre-commit"))).toBe(false);
    expect(await exists(marker("post-checkout"))).toBe(false);
  });
});
