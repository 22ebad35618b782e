import fs from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { summarizeTestRun } from "../../src/report/summarize-test-run.js";
import { createBwrapRunner } from "../../src/workspace/create-bwrap-runner.js";
import { createCommandRunner, SandboxUnavailableError } from "../../src/workspace/create-command-runner.js";
import { createTempDirs, makeRepo } from "./sandbox-fixtures.js";

/**
 * Issue 11, attack 7: a test command wrote 2 GB into the checkout. Real bubblewrap; the limits
 * are small (50 MB per file, 100 MB for the checkout) so the attacks stay fast.
 */

const temp = createTempDirs();
afterEach(() => temp.cleanup());

const MB = 1024 * 1024;
const runner = createBwrapRunner({ maxFileMb: 50, maxCheckoutMb: 100 });
const run = (command: string, cwd: string) => runner.run({ command, cwd, timeoutMs: 60_000, maxOutputBytes: 16 * 1024 });
const sizeOf = (file: string) => fs.stat(file).then((stat) => stat.size);

describe("bwrap runner: what the test command can write", () => {
  it("a command that writes 2 GB into one file is stopped at the file size limit, and fails", async () => {
    const checkout = await makeRepo(await temp.make());
    const result = await run("head -c 2G /dev/zero > big.bin; echo exit=$?", checkout);
    expect(await sizeOf(path.join(checkout, "big.bin"))).toBeLessThanOrEqual(50 * MB);
    expect(result.output).toContain("File size limit exceeded");
    expect(result.output).toContain("[sandbox: a file reached the 50 MB file size limit and the write was stopped");
    expect(result.limitExceeded).toContain("file size limit");
    expect(summarizeTestRun(result).passed).toBe(false);
  });

  it("a program that ignores SIGXFSZ (as Python does) gets EFBIG instead, in the checkout and in /tmp", async () => {
    const checkout = await makeRepo(await temp.make());
    const write = (file: string) =>
      `node -e "process.on('SIGXFSZ',()=>{}); const fs=require('fs'); const fd=fs.openSync('${file}','w'); const mb=Buffer.alloc(1<<20); try { for (let i=0;i<2048;i++) fs.writeSync(fd, mb) } catch (e) { console.log('${file}', e.code) }"`;
    const result = await run(`${write("big.bin")}; ${write("/tmp/big.bin")}`, checkout);
    expect(result.output).toContain("big.bin EFBIG");
    expect(result.output).toContain("/tmp/big.bin EFBIG");
    expect(await sizeOf(path.join(checkout, "big.bin"))).toBeLessThanOrEqual(50 * MB);
    expect(result.limitExceeded).toContain("file size limit");
  });

  it("many files under the file limit: the checkout size check after the run fails it, saying why", async () => {
    const checkout = await makeRepo(await temp.make());
    const result = await run("for i in 1 2 3; do head -c 41943040 /dev/urandom > part$i.bin; done; echo wrote", checkout);
    expect(result.exitCode).toBe(0);
    expect(result.output).toContain("wrote");
    expect(result.output).toMatch(/\[sandbox: the checkout now takes more than its 100 MB limit \([\d.]+ MB counted, \.git excluded\), so this run counts as failed/);
    expect(result.limitExceeded).toContain("100 MB limit");
    expect(summarizeTestRun(result).passed).toBe(false);
  });

  it("millions of empty files (inodes, not bytes) are caught too; 3000 against a limit of 1000 here", async () => {
    const checkout = await makeRepo(await temp.make());
    const few = createBwrapRunner({ maxCheckoutEntries: 1000 });
    const result = await few.run({ command: "mkdir junk && cd junk && seq 3000 | xargs touch", cwd: checkout, timeoutMs: 60_000, maxOutputBytes: 16 * 1024 });
    expect(result.exitCode).toBe(0);
    expect(result.limitExceeded).toContain("the checkout now holds more than 1000 files and folders");
  });

  it("a checkout within its limits is left alone, and the limits are in the report", async () => {
    const checkout = await makeRepo(await temp.make());
    const result = await run("head -c 1048576 /dev/zero > small.bin && echo ok", checkout);
    expect(result.limitExceeded).toBeUndefined();
    expect(summarizeTestRun(result).passed).toBe(true);
    expect(runner.describe().limits).toMatchObject({ file_size_mb: 50, checkout_mb: 100 });
  });

  it("the limits come from LOCAL_AGENT_SANDBOX_FILE_MB / _CHECKOUT_MB; a bad value is refused by name", async () => {
    const configured = await createCommandRunner({ mode: "bwrap", env: { ...process.env, LOCAL_AGENT_SANDBOX_FILE_MB: "20", LOCAL_AGENT_SANDBOX_CHECKOUT_MB: "300" } });
    expect(configured.describe().limits).toMatchObject({ file_size_mb: 20, checkout_mb: 300 });
    const bad = createCommandRunner({ mode: "bwrap", env: { ...process.env, LOCAL_AGENT_SANDBOX_CHECKOUT_MB: "lots" } });
    await expect(bad).rejects.toThrow(SandboxUnavailableError);
    await expect(bad).rejects.toThrow('LOCAL_AGENT_SANDBOX_CHECKOUT_MB must be a whole number of megabytes, not "lots"');
  });
});
