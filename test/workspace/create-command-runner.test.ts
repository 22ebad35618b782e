import fs from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createCommandRunner, SandboxUnavailableError } from "../../src/workspace/create-command-runner.js";
import { detectSandbox } from "../../src/workspace/detect-sandbox.js";
import { createTempDirs } from "./sandbox-fixtures.js";

const temp = createTempDirs();
afterEach(() => temp.cleanup());

const SECRET = "ghs_factorytestsecret000000000000000000";

function capturingLogger() {
  const warnings: string[] = [];
  return { warnings, logger: { warn: (msg: string) => warnings.push(msg) } };
}

/** A stand-in bwrap that answers --version but cannot create namespaces, like on Ubuntu 24.04. */
async function brokenBwrap(): Promise<string> {
  const file = path.join(await temp.make(), "bwrap");
  await fs.writeFile(
    file,
    '#!/bin/sh\nif [ "$1" = "--version" ]; then echo "bubblewrap 0.9.0"; exit 0; fi\necho "bwrap: setting up uid map: Permission denied" >&2\nexit 1\n',
    { mode: 0o755 },
  );
  return file;
}

describe("detectSandbox", () => {
  it("starts a real sandbox with bubblewrap", async () => {
    const detection = await detectSandbox({ env: process.env });
    expect(detection).toMatchObject({ ok: true, version: expect.stringMatching(/^bubblewrap \d/) });
  });

  it("says what failed", async () => {
    expect(await detectSandbox({ env: { PATH: "/nonexistent" } })).toEqual({
      ok: false,
      reason: "bwrap (bubblewrap) is not installed or not on PATH",
    });
    const broken = await detectSandbox({ bwrapPath: await brokenBwrap() });
    expect(broken.ok).toBe(false);
    expect(!broken.ok && broken.reason).toMatch(/setting up uid map: Permission denied.*user namespaces/);
  });
});

describe("createCommandRunner", () => {
  it("bwrap: returns a working sandboxed runner", async () => {
    const runner = await createCommandRunner({ mode: "bwrap", env: process.env });
    expect(runner.describe().mode).toBe("bwrap");
    const cwd = await temp.make();
    const result = await runner.run({ command: "echo inside; cat /proc/1/comm", cwd, timeoutMs: 20_000, maxOutputBytes: 4096 });
    expect(result.exitCode).toBe(0);
    // PID 1 is bwrap's own init: a PID namespace.
    expect(result.output).toBe("inside\nbwrap\n");
  });

  it("bwrap: refuses to start when bubblewrap is missing or broken, and says what to do", async () => {
    const missing = createCommandRunner({ mode: "bwrap", env: { PATH: "/nonexistent" } });
    await expect(missing).rejects.toBeInstanceOf(SandboxUnavailableError);
    await expect(missing).rejects.toThrow(/not installed.*apt-get install bubblewrap.*LOCAL_AGENT_SANDBOX=off.*not recommended/);
    const broken = createCommandRunner({ mode: "bwrap", bwrapPath: await brokenBwrap(), env: process.env });
    await expect(broken).rejects.toThrow(/uid map: Permission denied/);
  });

  it("off: warns, describes itself as off, and still keeps secrets out of the command", async () => {
    const { warnings, logger } = capturingLogger();
    const runner = await createCommandRunner({
      mode: "off",
      env: { PATH: process.env.PATH, HOME: "/nonexistent-home", GITHUB_TOKEN: SECRET, PRIVATE_KEY: SECRET },
      logger,
    });
    expect(runner.describe()).toEqual({ mode: "off", limits: { isolation: "none" } });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/WITHOUT isolation/);
    const cwd = await temp.make();
    const result = await runner.run({ command: "env", cwd, timeoutMs: 20_000, maxOutputBytes: 64 * 1024 });
    expect(result.output).not.toContain(SECRET);
    expect(result.output).toContain("CI=true");
    expect(result.output).toContain("HOME=/nonexistent-home");
  });
});
