import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RunCommandParams } from "../../src/workspace/command-runner.js";
import { createBwrapRunner } from "../../src/workspace/create-bwrap-runner.js";
import { createTempDirs, eventually, exists, git, makeRepo, pgrep } from "./sandbox-fixtures.js";

// Secrets as the app holds them: in the host environment handed to the runner, and in this
// process's own environment (which bwrap inherits unless the runner strips it).
const SECRET_TOKEN = `ghs_${randomBytes(18).toString("hex")}`;
const SECRET_KEY = `-----BEGIN RSA PRIVATE KEY-----${randomBytes(12).toString("hex")}`;
const savedEnv = { GITHUB_TOKEN: process.env.GITHUB_TOKEN, PRIVATE_KEY: process.env.PRIVATE_KEY };

const temp = createTempDirs();
const hostEnv = { ...process.env, GITHUB_TOKEN: SECRET_TOKEN, PRIVATE_KEY: SECRET_KEY, WEBHOOK_SECRET: SECRET_TOKEN };
const runner = createBwrapRunner({ env: hostEnv });

let checkout: string;

beforeAll(() => {
  process.env.GITHUB_TOKEN = SECRET_TOKEN;
  process.env.PRIVATE_KEY = SECRET_KEY;
});
afterAll(() => {
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});
afterEach(() => temp.cleanup());

async function freshCheckout(files?: Record<string, string>): Promise<string> {
  checkout = await makeRepo(await temp.make(), files);
  return checkout;
}

function run(command: string, extra: Partial<RunCommandParams> = {}) {
  return runner.run({ command, cwd: checkout, timeoutMs: 30_000, maxOutputBytes: 64 * 1024, ...extra });
}

describe("bwrap runner: network", () => {
  let server: http.Server;
  let port: number;
  let connections = 0;
  beforeAll(async () => {
    server = http.createServer((_req, res) => res.end("host says hi"));
    server.on("connection", () => {
      connections += 1;
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const connectScript = (target: string) =>
    `node -e "require('net').connect(${target}).on('connect',()=>{console.log('CONNECTED');process.exit(0)}).on('error',e=>{console.log('ERR',e.code);process.exit(3)})"`;

  it("cannot reach a server on the host's 127.0.0.1", async () => {
    await freshCheckout();
    connections = 0;
    const result = await run(connectScript(`${port},'127.0.0.1'`));
    expect(result.output).toContain("ERR ECONNREFUSED");
    expect(result.exitCode).toBe(3);
    expect(connections).toBe(0);
  });

  it("cannot reach an abstract unix socket on the host", async () => {
    await freshCheckout();
    const name = `\0la-test-${randomBytes(6).toString("hex")}`;
    let accepted = 0;
    const listener = net.createServer(() => {
      accepted += 1;
    });
    await new Promise<void>((resolve) => listener.listen(name, resolve));
    try {
      const result = await run(connectScript(`{path:'\\\\0${name.slice(1)}'}`));
      expect(result.output).toMatch(/ERR (ECONNREFUSED|ENOENT)/);
      expect(accepted).toBe(0);
    } finally {
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    }
  });

  it("setup commands (network: true) reach the host network, still with a clean environment and a read-only .git", async () => {
    await freshCheckout();
    connections = 0;
    const result = await run(`${connectScript(`${port},'127.0.0.1'`)}; env; echo x >> .git/config; echo "config=$?"`, {
      network: true,
    });
    expect(result.output).toContain("CONNECTED");
    expect(connections).toBe(1);
    expect(result.output).not.toContain(SECRET_TOKEN);
    expect(result.output).toMatch(/config=[1-9]/);
  });
});

describe("bwrap runner: environment", () => {
  it("passes only the allowlisted environment and the caller's extras", async () => {
    await freshCheckout();
    const result = await run("env", { env: { EXTRA_FROM_CALLER: "yes" } });
    expect(result.exitCode).toBe(0);
    const names = result.output
      .split("\n")
      .filter((line) => line.includes("="))
      .map((line) => line.slice(0, line.indexOf("=")));
    expect(names).toContain("EXTRA_FROM_CALLER");
    expect(names.sort()).toEqual(
      ["CI", "EXTRA_FROM_CALLER", "HOME", "LANG", "LC_ALL", "NO_COLOR", "PATH", "PWD", "PYTHONDONTWRITEBYTECODE", "TMPDIR"].sort(),
    );
    expect(result.output).not.toContain(SECRET_TOKEN);
    expect(result.output).not.toContain(SECRET_KEY);
  });

  it("cannot read other processes' environments (no host processes are visible)", async () => {
    await freshCheckout();
    const result = await run("cat /proc/*/environ | tr '\\0' '\\n'; ls /proc | grep -c '^[0-9]'");
    expect(result.output).not.toContain(SECRET_TOKEN);
    expect(result.output).not.toContain(SECRET_KEY);
    // bwrap's PID 1, the shell, cat/ls/grep: a handful, not the host's processes.
    const visible = Number(result.output.trim().split("\n").at(-1));
    expect(visible).toBeLessThan(10);
  });
});

describe("bwrap runner: filesystem", () => {
  it("writes outside the checkout never reach the host", async () => {
    await freshCheckout();
    const marker = `la-escape-${randomBytes(6).toString("hex")}`;
    const outside = await temp.make("la-outside-");
    await fs.writeFile(path.join(outside, "victim.txt"), "original");
    const hostTmp = path.join(os.tmpdir(), marker);
    const hostHome = path.join(os.homedir(), marker);
    const result = await run(
      [
        `echo pwned > ${hostTmp}`,
        `mkdir -p ${path.dirname(hostHome)}; echo pwned > ${hostHome}`,
        `echo pwned > /usr/${marker}`,
        `echo pwned > ${outside}/victim.txt`,
        `echo pwned > ${outside}/new.txt`,
        `ln -s ${outside}/victim.txt link-out; echo pwned > link-out`,
        "echo ok > inside.txt",
      ].join("; "),
    );
    expect(await exists(hostTmp)).toBe(false);
    expect(await exists(hostHome)).toBe(false);
    expect(await exists(`/usr/${marker}`)).toBe(false);
    expect(await fs.readFile(path.join(outside, "victim.txt"), "utf8")).toBe("original");
    expect(await exists(path.join(outside, "new.txt"))).toBe(false);
    // The legitimate write in the checkout is there.
    expect(await fs.readFile(path.join(checkout, "inside.txt"), "utf8")).toBe("ok\n");
    expect(result.output).toMatch(/Read-only file system/);
  });

  it("cannot change .git: hooks and config writes fail with EROFS and the files stay unchanged", async () => {
    await freshCheckout();
    const configBefore = await fs.readFile(path.join(checkout, ".git/config"), "utf8");
    const hooksBefore = (await fs.readdir(path.join(checkout, ".git/hooks"))).sort();
    const result = await run(
      [
        "printf '#!/bin/sh\\necho pwned\\n' > .git/hooks/pre-commit; echo hook=$?",
        "echo '[core]\\n\\tfsmonitor = echo pwned' >> .git/config; echo config=$?",
        "mv .git .git-moved; echo move=$?",
        "rm -rf .git; echo remove=$?",
        // uid 0 inside, but without capabilities: no remount, no new user namespace.
        "mount -o remount,rw,bind .git .git; echo remount=$?",
        "unshare -Urm true; echo unshare=$?",
        "grep CapEff /proc/self/status",
      ].join("; "),
    );
    expect(result.output).toMatch(/CapEff:\s+0+\n/);
    expect(result.output).toMatch(/Read-only file system/);
    for (const step of ["hook", "config", "move", "remove", "remount", "unshare"]) {
      expect(result.output).toMatch(new RegExp(`${step}=[1-9]`));
    }
    expect(await fs.readFile(path.join(checkout, ".git/config"), "utf8")).toBe(configBefore);
    expect((await fs.readdir(path.join(checkout, ".git/hooks"))).sort()).toEqual(hooksBefore);
  });

  it("keeps a worktree's git folders read-only too (.git is a file there)", async () => {
    const main = await freshCheckout();
    const worktree = path.join(await temp.make(), "wt");
    await git(main, "worktree", "add", "-q", worktree);
    const configBefore = await fs.readFile(path.join(main, ".git/config"), "utf8");
    const dotGitBefore = await fs.readFile(path.join(worktree, ".git"), "utf8");
    const result = await runner.run({
      command: [
        `echo 'gitdir: /tmp/evil' > .git; echo file=$?`,
        `echo x >> ${main}/.git/config; echo config=$?`,
        `echo x > ${main}/.git/worktrees/wt/HEAD; echo head=$?`,
        "git status --short >/dev/null; echo status=$?",
      ].join("; "),
      cwd: worktree,
      timeoutMs: 30_000,
      maxOutputBytes: 64 * 1024,
    });
    expect(result.output).toMatch(/file=[1-9]/);
    expect(result.output).toMatch(/config=[1-9]/);
    expect(result.output).toMatch(/head=[1-9]/);
    // git itself still works inside (tests may call it).
    expect(result.output).toContain("status=0");
    expect(await fs.readFile(path.join(main, ".git/config"), "utf8")).toBe(configBefore);
    expect(await fs.readFile(path.join(worktree, ".git"), "utf8")).toBe(dotGitBefore);
  });

  it("exposes only the basic devices (no disks, GPUs or kvm)", async () => {
    await freshCheckout();
    const result = await run("ls -A /dev");
    expect(result.exitCode).toBe(0);
    const devices = result.output.trim().split(/\s+/).sort();
    expect(devices).toEqual(["core", "fd", "full", "null", "ptmx", "pts", "random", "shm", "stderr", "stdin", "stdout", "tty", "urandom", "zero"]);
  });

  it("hides /etc secrets and the app's own files", async () => {
    const app = await temp.make("la-app-");
    await fs.writeFile(path.join(app, ".env"), `GITHUB_TOKEN=${SECRET_TOKEN}\n`);
    await fs.writeFile(path.join(app, "private-key.pem"), SECRET_KEY);
    checkout = path.join(app, "data", "workspaces", "repo");
    await fs.mkdir(checkout, { recursive: true });
    await makeRepo(checkout);
    const result = await run(
      [
        "cat /etc/shadow; echo shadow=$?",
        "cat /etc/gshadow; echo gshadow=$?",
        `cat ${app}/.env; echo env=$?`,
        `cat ${app}/private-key.pem; echo key=$?`,
        `ls -A ${app}/data/workspaces`,
      ].join("; "),
    );
    expect(result.output).toMatch(/shadow=[1-9]/);
    expect(result.output).toMatch(/gshadow=[1-9]/);
    expect(result.output).toMatch(/env=[1-9]/);
    expect(result.output).toMatch(/key=[1-9]/);
    expect(result.output).not.toMatch(/^root:/m);
    expect(result.output).not.toContain(SECRET_TOKEN);
    expect(result.output).not.toContain(SECRET_KEY);
    // Only the checkout itself exists on the way to it; its siblings and parents are empty.
    expect(result.output.trim().split("\n").at(-1)).toBe("repo");
  });
});

describe("bwrap runner: processes and time", () => {
  it("kills a detached process when the command ends", async () => {
    await freshCheckout();
    const marker = `la-detached-${randomBytes(6).toString("hex")}`;
    const result = await run(
      `(setsid sh -c 'sleep 300; : ${marker}' &); nohup sh -c 'sleep 301; : ${marker}' >/dev/null 2>&1 & ` +
        `sh -c '(sh -c "sleep 302; : ${marker}" &) &'; sleep 0.3; echo started`,
    );
    expect(result.output).toContain("started");
    expect(result.exitCode).toBe(0);
    expect(await eventually(async () => (await pgrep(marker)).length === 0)).toBe(true);
  });

  it("kills the whole sandbox, detached processes included, on timeout", async () => {
    await freshCheckout();
    const marker = `la-timeout-${randomBytes(6).toString("hex")}`;
    const result = await run(`(setsid sh -c 'sleep 300; : ${marker}' &); echo started; sleep 120`, { timeoutMs: 1_500 });
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBeNull();
    expect(result.output).toContain("started");
    expect(await eventually(async () => (await pgrep(marker)).length === 0)).toBe(true);
  });

  it("kills the sandbox when cancelled", async () => {
    await freshCheckout();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 500);
    const result = await run("echo started; sleep 120", { signal: controller.signal });
    expect(result.cancelled).toBe(true);
    expect(result.timedOut).toBe(false);
  });

  it("bounds a process bomb", async () => {
    await freshCheckout();
    const marker = `la-bomb-${randomBytes(6).toString("hex")}`;
    const small = createBwrapRunner({ env: hostEnv, maxProcesses: 64 });
    const result = await small.run({
      // Finite, so that a broken sandbox fails this test instead of exhausting the host's pids.
      command: `i=0; while [ $i -lt 2000 ]; do sh -c 'sleep 60; : ${marker}' & i=$((i+1)); done; echo "spawned $i"`,
      cwd: checkout,
      timeoutMs: 30_000,
      maxOutputBytes: 16 * 1024,
    });
    // Ended by the limit, not by the wall clock: the kernel refused the fork (RLIMIT_NPROC,
    // non-root hosts) or the watchdog stopped the sandbox (root, which RLIMIT_NPROC exempts).
    expect(result.timedOut).toBe(false);
    expect(result.output).not.toContain("spawned 2000");
    expect(result.output).toMatch(/Cannot fork|Resource temporarily unavailable|more than 64 processes/);
    expect(await eventually(async () => (await pgrep(marker)).length === 0)).toBe(true);
  });

  it("caps 200 MB of output without holding it in memory", async () => {
    await freshCheckout();
    await run("true"); // first-run work (toolchain discovery) out of the measurement
    const before = process.memoryUsage().rss;
    const result = await run("head -c 209715200 /dev/zero | tr '\\0' 'x'; echo; echo THE-END", {
      maxOutputBytes: 32 * 1024,
    });
    const grown = process.memoryUsage().rss - before;
    expect(result.exitCode).toBe(0);
    expect(result.outputBytes).toBeGreaterThan(209_715_200);
    expect(result.truncated).toBe(true);
    expect(result.output.length).toBeLessThan(40 * 1024);
    expect(result.output).toContain("bytes of output omitted");
    expect(result.output.trimEnd().endsWith("THE-END")).toBe(true);
    // Streaming 200 MB leaves a plateau of collectable chunk garbage (measured 50-80 MB, the same
    // for 800 MB); keeping the output would cost at least the 200 MB itself.
    expect(grown).toBeLessThan(150 * 1024 * 1024);
  });

  it("stops a command that allocates far beyond the memory limit", async () => {
    await freshCheckout();
    const small = createBwrapRunner({ env: hostEnv, memoryMb: 256 });
    const result = await small.run({
      // Touched memory (bytes * n fills the pages), 64 MB at a time, up to 64 GB.
      command: `python3 -c "
a = []
for i in range(1024):
    a.append(b'x' * (64 << 20))
print('allocated everything')
"`,
      cwd: checkout,
      timeoutMs: 60_000,
      maxOutputBytes: 16 * 1024,
    });
    expect(result.timedOut).toBe(false);
    expect(result.output).not.toContain("allocated everything");
    expect(result.exitCode === 0).toBe(false);
    expect(result.output).toMatch(/MemoryError|over the 256 MB limit/);
  });
});

describe("bwrap runner: legitimate test suites", () => {
  const nodeTest = `import test from "node:test";
import assert from "node:assert/strict";
import { add } from "./add.js";
test("adds", () => assert.equal(add(2, 3), 5));
`;

  it("runs a Node project with node --test", async () => {
    await freshCheckout({
      "package.json": JSON.stringify({ type: "module" }),
      "add.js": "export const add = (a, b) => a + b;\n",
      "add.test.js": nodeTest,
    });
    const result = await run("node --test");
    expect(result.output).toMatch(/pass 1\b/);
    expect(result.exitCode).toBe(0);
  });

  it("runs a Node project through npm test", async () => {
    await freshCheckout({
      "package.json": JSON.stringify({ name: "fixture", type: "module", scripts: { test: "node --test add.test.js" } }),
      "add.js": "export const add = (a, b) => a + b;\n",
      "add.test.js": nodeTest,
    });
    const result = await run("npm test");
    expect(result.output).toMatch(/pass 1\b/);
    expect(result.exitCode).toBe(0);
  });

  it("reports a failing Node test with a non-zero exit and its output", async () => {
    await freshCheckout({
      "package.json": JSON.stringify({ name: "fixture", type: "module", scripts: { test: "node --test add.test.js" } }),
      "add.js": "export const add = (a, b) => a - b;\n",
      "add.test.js": nodeTest,
    });
    const result = await run("npm test");
    expect(result.exitCode).not.toBe(0);
    expect(result.output).toMatch(/fail 1\b/);
    expect(result.output).toContain("Expected values to be strictly equal");
  });

  it("runs a Python project with unittest, and reports its failures", async () => {
    await freshCheckout({
      "calc.py": "def add(a, b):\n    return a + b\n",
      "test_calc.py":
        "import unittest\nfrom calc import add\n\nclass AddTest(unittest.TestCase):\n    def test_add(self):\n        self.assertEqual(add(2, 3), 5)\n",
    });
    const passing = await run("python3 -m unittest -v");
    expect(passing.output).toMatch(/\nOK\s*$/);
    expect(passing.exitCode).toBe(0);

    // Same size, same second: a cached .pyc would hide this edit.
    await fs.writeFile(path.join(checkout, "calc.py"), "def add(a, b):\n    return a * b\n");
    const failing = await run("python3 -m unittest");
    expect(failing.exitCode).not.toBe(0);
    expect(failing.output).toContain("AssertionError: 6 != 5");
  });

  it("describes itself for the report", () => {
    const description = runner.describe();
    expect(description.mode).toBe("bwrap");
    expect(description.limits).toMatchObject({ memory_mb: 4096, processes: 1024 });
  });
});
