import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openJobStore } from "../../src/jobs/open-job-store.js";
import { startChild, writeChildScript, type Child } from "./child-process-fixtures.js";
import { steppingClock } from "./job-fixtures.js";

const cleanups: (() => Promise<void>)[] = [];
const children: Child[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill("SIGKILL");
    await child.exited;
  }
  while (cleanups.length) await cleanups.pop()?.();
});

/**
 * The app process in miniature: recover, optionally store new jobs, run the scheduler. Intake
 * queues issue jobs and hangs forever on pull requests (so one job stays pending); the "model"
 * announces each run and never finishes, so the parent can kill the process mid-job.
 */
const APP = `
const { openJobStore } = await import(src("jobs/open-job-store.ts"));
const { createJobScheduler } = await import(src("jobs/create-job-scheduler.ts"));
const [file, insert] = process.argv.slice(2);
let t = Date.parse("2026-02-01T00:00:00Z");
const now = () => new Date((t += 1000));
const store = openJobStore({ file, now });
const recovery = store.recoverAfterCrash({ maxAttempts: 2 });
console.log("RECOVERED " + JSON.stringify(Object.fromEntries(Object.entries(recovery).map(([k, jobs]) => [k, jobs.map((j) => j.id)]))));
if (insert === "insert") {
  for (const [number, target] of [[1, "issue"], [2, "pull_request"]]) {
    const result = store.insert({ deliveryId: "d" + number, repo: "octo/widgets", installationId: 1, target, number, trigger: "label", actor: "maintainer" });
    console.log("INSERTED " + result.job.id);
  }
}
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const scheduler = createJobScheduler({
  store, slots: 1, logger: silent, now,
  intake: (job) => (job.target === "issue" ? Promise.resolve("queued") : new Promise(() => {})),
  execute: (job) => {
    console.log("RUNNING " + job.id + " attempt " + job.attempts);
    return new Promise(() => {});
  },
});
setInterval(() => {}, 1000);
scheduler.kick();
`;

describe("crash recovery with a real kill -9", () => {
  it("a job killed mid-run is resumed once, then failed; the job waiting for intake stays pending", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "la-crash-"));
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, "data", "jobs.sqlite");
    const script = await writeChildScript(dir, "app", APP);

    const first = startChild(script, [file, "insert"]);
    children.push(first);
    const running = await first.waitForLine(/^RUNNING /);
    expect(running).toMatch(/^RUNNING 1 attempt 1$/);
    first.process.kill("SIGKILL");
    expect((await first.exited).signal).toBe("SIGKILL");

    // What the dead process left on disk: the run still marked running, the PR job pending.
    const peek = openJobStore({ file, now: steppingClock() });
    expect(peek.list().map((job) => [job.id, job.status, job.attempts])).toEqual([
      [1, "running", 1],
      [2, "pending", 0],
    ]);
    peek.close();

    const second = startChild(script, [file]);
    children.push(second);
    expect(await second.waitForLine(/^RECOVERED /)).toBe(
      `RECOVERED ${JSON.stringify({ requeued: [1], failed: [], cancelled: [], superseded: [], pending: [2] })}`,
    );
    expect(await second.waitForLine(/^RUNNING /)).toBe("RUNNING 1 attempt 2");
    second.process.kill("SIGKILL");
    await second.exited;

    const store = openJobStore({ file, now: steppingClock() });
    cleanups.push(async () => store.close());
    const recovery = store.recoverAfterCrash({ maxAttempts: 2 });
    expect(recovery.requeued).toEqual([]);
    expect(recovery.failed.map((job) => [job.id, job.status, job.attempts])).toEqual([[1, "failed", 2]]);
    expect(recovery.failed[0]?.error).toMatch(/local-agent stopped while this job was running, 2 times/);
    expect(recovery.pending.map((job) => job.id)).toEqual([2]);
    expect(store.list().map((job) => job.deliveryId)).toEqual(["d1", "d2"]);
  });
});
