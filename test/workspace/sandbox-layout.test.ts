import fs from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildBwrapArgs, type SandboxLayout } from "../../src/workspace/sandbox/build-bwrap-args.js";
import { findGitBinds } from "../../src/workspace/sandbox/find-git-binds.js";
import { findHiddenEtcEntries } from "../../src/workspace/sandbox/find-hidden-etc-entries.js";
import { createTempDirs, git, makeRepo } from "./sandbox-fixtures.js";

const temp = createTempDirs();
afterEach(() => temp.cleanup());

const layout: SandboxLayout = {
  system: [{ path: "/bin", symlinkTo: "usr/bin" }, { path: "/lib64" }],
  hiddenFiles: ["/etc/shadow"],
  hiddenDirs: ["/etc/ssl/private"],
  readOnlyBinds: ["/opt/node"],
  checkout: { dir: "/work/repo", readOnly: ["/work/repo/.git"] },
};
const limits = { dataBytes: 1024, tasks: 64, tmpfsBytes: 2048, shmBytes: 512, fileBytes: 4096 };

function build(network: boolean) {
  return buildBwrapArgs({ layout, network, env: { PATH: "/usr/bin", HOME: "/home/sandbox" }, limits, argv: ["/bin/sh", "-c", "npm test"] });
}

/** Index of the operation `op` whose next arguments are `operands`. */
function indexOfOp(args: string[], op: string, ...operands: string[]): number {
  return args.findIndex((arg, i) => arg === op && operands.every((operand, k) => args[i + 1 + k] === operand));
}

describe("buildBwrapArgs", () => {
  it("orders the mounts so that nothing undoes the read-only parts", () => {
    const args = build(false);
    const checkout = indexOfOp(args, "--bind", "/work/repo", "/work/repo");
    const gitDir = indexOfOp(args, "--ro-bind", "/work/repo/.git", "/work/repo/.git");
    const tmp = indexOfOp(args, "--tmpfs", "/tmp");
    const toolchain = indexOfOp(args, "--ro-bind", "/opt/node", "/opt/node");
    const etc = indexOfOp(args, "--ro-bind", "/etc", "/etc");
    const shadow = indexOfOp(args, "--ro-bind", "/dev/null", "/etc/shadow");
    const rootReadOnly = indexOfOp(args, "--remount-ro", "/");
    for (const index of [checkout, gitDir, tmp, toolchain, etc, shadow, rootReadOnly]) expect(index).toBeGreaterThan(-1);
    expect(gitDir).toBeGreaterThan(checkout);
    expect(toolchain).toBeGreaterThan(tmp);
    expect(shadow).toBeGreaterThan(etc);
    expect(rootReadOnly).toBeGreaterThan(Math.max(checkout, gitDir, toolchain, shadow));
    expect(args[indexOfOp(args, "--tmpfs", "/etc/ssl/private") - 1]).toBe("0000");
  });

  it("isolates everything and runs the command under the limits", () => {
    const args = build(false);
    for (const flag of ["--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent", "--new-session", "--clearenv"]) {
      expect(args).toContain(flag);
    }
    expect(args).not.toContain("--share-net");
    expect(indexOfOp(args, "--cap-drop", "ALL")).toBeGreaterThan(-1);
    const separator = args.indexOf("--");
    expect(args.slice(separator + 1)).toEqual([
      "/usr/bin/prlimit",
      "--nproc=64",
      "--data=1024",
      "--core=0",
      "--fsize=4096",
      "--",
      "/bin/sh",
      "-c",
      "npm test",
    ]);
    expect(indexOfOp(args, "--setenv", "HOME", "/home/sandbox")).toBeGreaterThan(-1);
  });

  it("shares the network only when asked", () => {
    expect(build(true)).toContain("--share-net");
  });
});

describe("findHiddenEtcEntries", () => {
  it("hides what is not world-readable and the known secret names", async () => {
    const etc = await temp.make("la-etc-");
    const write = async (name: string, mode: number) => {
      await fs.mkdir(path.dirname(path.join(etc, name)), { recursive: true });
      await fs.writeFile(path.join(etc, name), "x", { mode });
      await fs.chmod(path.join(etc, name), mode);
    };
    await write("hosts", 0o644);
    await write("shadow", 0o640);
    await write("app/token", 0o600);
    await write("ssh/ssh_host_ed25519_key", 0o644);
    await write("ssh/ssh_host_ed25519_key.pub", 0o644);
    await write("private/inner", 0o644);
    await fs.chmod(path.join(etc, "private"), 0o700);
    await fs.symlink(path.join(etc, "shadow"), path.join(etc, "shadow-link"));
    const hidden = await findHiddenEtcEntries(etc);
    expect(hidden.files).toEqual([path.join(etc, "app/token"), path.join(etc, "shadow"), path.join(etc, "ssh/ssh_host_ed25519_key")]);
    expect(hidden.dirs).toEqual([path.join(etc, "private")]);
  });
});

describe("findGitBinds", () => {
  it("binds .git, or for a worktree its .git file, its git dir and the common dir", async () => {
    const main = await makeRepo(await temp.make());
    expect(await findGitBinds(main)).toEqual([path.join(main, ".git")]);
    const worktree = path.join(await temp.make(), "wt");
    await git(main, "worktree", "add", "-q", worktree);
    expect(await findGitBinds(worktree)).toEqual([
      path.join(worktree, ".git"),
      path.join(main, ".git/worktrees/wt"),
      path.join(main, ".git"),
    ]);
    expect(await findGitBinds(await temp.make())).toEqual([]);
  });

  it("refuses a .git symlink", async () => {
    const dir = await temp.make();
    await fs.symlink("/tmp", path.join(dir, ".git"));
    await expect(findGitBinds(dir)).rejects.toThrow(/symlink/);
  });
});
