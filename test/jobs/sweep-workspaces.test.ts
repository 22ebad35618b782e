import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { sweepWorkspaces } from "../../src/jobs/sweep-workspaces.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function scratch(): Promise<string> {
  const dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "la-sweep-")));
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

async function exists(file: string): Promise<boolean> {
  return fs.lstat(file).then(
    () => true,
    () => false,
  );
}

describe("sweepWorkspaces", () => {
  it("removes orphaned job workspaces, keeps running ones and anything that is not a workspace", async () => {
    const root = await scratch();
    const dir = path.join(root, "workspaces");
    for (const name of ["job-1", "job-2", "job-3-a1b2"]) {
      await fs.mkdir(path.join(dir, name, "repo", ".git"), { recursive: true });
      await fs.writeFile(path.join(dir, name, "repo", "file.txt"), "x");
    }
    await fs.writeFile(path.join(dir, "jobs.sqlite"), "not a workspace");
    await fs.mkdir(path.join(dir, "notes"));

    const result = await sweepWorkspaces({ dir, keep: new Set(["job-2"]) });
    expect(result.removed.sort()).toEqual([path.join(dir, "job-1"), path.join(dir, "job-3-a1b2")]);
    expect(await exists(path.join(dir, "job-1"))).toBe(false);
    expect(await exists(path.join(dir, "job-2", "repo", "file.txt"))).toBe(true);
    expect(await exists(path.join(dir, "jobs.sqlite"))).toBe(true);
    expect(await exists(path.join(dir, "notes"))).toBe(true);
    expect(result.skipped.map((entry) => path.basename(entry.path)).sort()).toEqual(["job-2", "jobs.sqlite", "notes"]);
  });

  it("never follows symlinks: a planted link is removed as a link and its target survives", async () => {
    const root = await scratch();
    const dir = path.join(root, "workspaces");
    const precious = path.join(root, "precious");
    await fs.mkdir(path.join(precious, "deep"), { recursive: true });
    await fs.writeFile(path.join(precious, "deep", "keep.txt"), "do not delete");
    await fs.mkdir(path.join(dir, "job-5"), { recursive: true });
    // A link as the workspace itself, and a link inside an orphaned workspace.
    await fs.symlink(precious, path.join(dir, "job-4"));
    await fs.symlink(precious, path.join(dir, "job-5", "escape"));

    const result = await sweepWorkspaces({ dir, keep: new Set() });
    expect(result.removed.sort()).toEqual([path.join(dir, "job-4"), path.join(dir, "job-5")]);
    expect(await exists(path.join(dir, "job-4"))).toBe(false);
    expect(await fs.readFile(path.join(precious, "deep", "keep.txt"), "utf8")).toBe("do not delete");
  });

  it("follows a symlinked workspace folder to its real place, but never above it", async () => {
    const root = await scratch();
    const real = path.join(root, "real-workspaces");
    await fs.mkdir(path.join(real, "job-1"), { recursive: true });
    await fs.writeFile(path.join(root, "job-9"), "a sibling of the workspace folder");
    const link = path.join(root, "workspaces");
    await fs.symlink(real, link);
    const result = await sweepWorkspaces({ dir: link, keep: new Set() });
    expect(result.removed).toEqual([path.join(real, "job-1")]);
    expect(await exists(path.join(root, "job-9"))).toBe(true);
  });

  it("a missing folder is nothing to sweep; the filesystem root is refused; a custom name pattern applies", async () => {
    const root = await scratch();
    expect(await sweepWorkspaces({ dir: path.join(root, "absent"), keep: new Set() })).toEqual({ removed: [], skipped: [] });
    await expect(sweepWorkspaces({ dir: "/", keep: new Set() })).rejects.toThrow(/refusing to sweep workspaces in \//);
    await fs.mkdir(path.join(root, "ws-1"));
    await fs.mkdir(path.join(root, "job-1"));
    const result = await sweepWorkspaces({ dir: root, keep: new Set(), match: /^ws-\d+$/ });
    expect(result.removed).toEqual([path.join(root, "ws-1")]);
    expect(await exists(path.join(root, "job-1"))).toBe(true);
  });
});
