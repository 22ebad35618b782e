import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openRedisQueue, type RedisJobQueue } from "../../src/jobs/redis/open-redis-queue.js";
import { startRedisWorker, type RedisWorkerHandle, type SessionContext } from "../../src/jobs/redis/start-redis-worker.js";
import type { QueuedWork } from "../../src/jobs/redis/queued-work-schema.js";
import { startRedisServer, type RedisServer } from "../helpers/redis-server.js";

/** The BullMQ queue against a real redis-server: dedupe, supersede, cancel (waiting and running, across workers). */

let redis: RedisServer;
let queue: RedisJobQueue;
let prefix = "";
let counter = 0;
const workers: RedisWorkerHandle[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis.stop();
});
afterEach(async () => {
  for (const worker of workers.splice(0)) await worker.close(true);
  await queue.close();
});

function freshQueue(): RedisJobQueue {
  // A prefix per test: tests share one server but never each other's keys.
  prefix = `t${++counter}`;
  queue = openRedisQueue({ url: redis.url, prefix, attempts: 1 });
  return queue;
}

function work(deliveryId: string, number: number, task = "fix it"): QueuedWork {
  return { deliveryId, repo: "octo/sum", number, payload: { task } };
}

function worker(run: (ctx: SessionContext) => Promise<unknown>, slots = 1): RedisWorkerHandle {
  const handle = startRedisWorker({ url: redis.url, prefix, slots, run });
  workers.push(handle);
  return handle;
}

async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 25));
}

describe("the BullMQ queue", () => {
  it("runs a redelivered delivery once: the delivery id is the job id", async () => {
    const q = freshQueue();
    expect(await q.enqueue(work("d-1", 1))).toEqual({ status: "queued", jobId: "d-1", superseded: null });
    expect(await q.enqueue(work("d-1", 1))).toEqual({ status: "duplicate", jobId: "d-1" });
    const ran: string[] = [];
    await worker(async (ctx) => void ran.push(ctx.jobId)).ready;
    await until(async () => (await q.counts()).completed === 1);
    // Even after it finished, the same delivery is recognised.
    expect(await q.enqueue(work("d-1", 1))).toEqual({ status: "duplicate", jobId: "d-1" });
    expect(ran).toEqual(["d-1"]);
  });

  it("a newer delivery for the same target replaces the waiting one; other targets are untouched", async () => {
    const q = freshQueue();
    await q.enqueue(work("old", 7, "first wording"));
    await q.enqueue(work("other", 8));
    expect(await q.enqueue(work("new", 7, "second wording"))).toEqual({ status: "queued", jobId: "new", superseded: "old" });
    const ran: unknown[] = [];
    await worker(async (ctx) => void ran.push([ctx.jobId, ctx.work.payload.task])).ready;
    await until(async () => (await q.counts()).completed === 2);
    expect(ran.sort()).toEqual([
      ["new", "second wording"],
      ["other", "fix it"],
    ]);
  });

  it("a delivery for a target whose job is running waits for it, even with a free worker: one session per target at a time", async () => {
    const q = freshQueue();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const events: string[] = [];
    const run = async (ctx: SessionContext) => {
      events.push(`start:${ctx.jobId}`);
      if (ctx.jobId === "running") await gate;
      events.push(`end:${ctx.jobId}`);
    };
    const start = (handle: RedisWorkerHandle) => {
      workers.push(handle);
      return handle.ready;
    };
    const stall = { targetBusyRetryMs: 50 };
    await start(startRedisWorker({ url: redis.url, prefix, slots: 1, stall, run }));
    await start(startRedisWorker({ url: redis.url, prefix, slots: 1, stall, run }));
    await q.enqueue(work("running", 3));
    await until(async () => events.length === 1);
    expect(await q.enqueue(work("next", 3))).toEqual({ status: "queued", jobId: "next", superseded: null });
    // The free worker took it and put it back: its target is busy.
    await until(async () => (await q.counts()).delayed === 1);
    expect(events).toEqual(["start:running"]);
    release();
    await until(async () => (await q.counts()).completed === 2);
    expect(events).toEqual(["start:running", "end:running", "start:next", "end:next"]);
  });

  it("/cancel removes a waiting job: no worker ever runs it", async () => {
    const q = freshQueue();
    await q.enqueue(work("w", 5));
    expect(await q.cancel("octo/sum", 5)).toEqual({ jobId: "w", was: "waiting" });
    expect(await q.cancel("octo/sum", 6)).toEqual({ jobId: null, was: "none" });
    const ran: string[] = [];
    await worker(async (ctx) => void ran.push(ctx.jobId)).ready;
    await q.enqueue(work("after", 9));
    await until(async () => (await q.counts()).completed === 1);
    expect(ran).toEqual(["after"]);
  });

  it("/cancel reaches a running job on whichever worker has it, and it is not retried", async () => {
    queue = openRedisQueue({ url: redis.url, prefix: `t${++counter}`, attempts: 3 });
    prefix = `t${counter}`;
    const aborted: { worker: string; job: string }[] = [];
    const started: string[] = [];
    const blockUntilAborted = (name: string) => (ctx: SessionContext) =>
      new Promise((_resolve, reject) => {
        started.push(`${name}:${ctx.jobId}`);
        ctx.signal.addEventListener("abort", () => {
          aborted.push({ worker: name, job: ctx.jobId });
          reject(new Error("aborted"));
        });
      });
    await Promise.all([worker(blockUntilAborted("A")).ready, worker(blockUntilAborted("B")).ready]);
    await queue.enqueue(work("long", 11));
    await until(async () => started.length === 1);
    expect(await queue.cancel("octo/sum", 11)).toEqual({ jobId: "long", was: "active" });
    await until(async () => (await queue.counts()).failed === 1);
    expect(aborted).toEqual([{ worker: started[0]?.split(":")[0], job: "long" }]);
    // Three attempts were allowed; the cancelled job used one.
    expect(started).toHaveLength(1);
    expect(await queue.counts()).toMatchObject({ waiting: 0, active: 0, delayed: 0 });
  });

  it("refuses work that is not a delivery it can run, with the field named", async () => {
    const q = freshQueue();
    await expect(q.enqueue({ deliveryId: "x", repo: "not a repo", number: 1, payload: {} })).rejects.toThrow(/repo must be owner\/name/);
    await expect(q.enqueue({ deliveryId: "y", repo: "o/r", number: 0, payload: {} })).rejects.toThrow(/number/);
  });
});
