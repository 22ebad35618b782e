import { afterEach, describe, expect, it } from "vitest";
import { openRedisQueue, type RedisJobQueue } from "../../src/jobs/redis/open-redis-queue.js";
import { startRedisServer, type RedisServer } from "../helpers/redis-server.js";
import { startSessionWorld, type WorkerEvent } from "../helpers/session-world.js";

/**
 * Scale-out with real parts: a real redis-server, worker processes running the built worker
 * (dist/), a fixed-latency model host and a fake GitHub pulls API on loopback. Needs `npm run build`.
 */

let redis: RedisServer | null = null;
let queue: RedisJobQueue | null = null;
let world: Awaited<ReturnType<typeof startSessionWorld>> | null = null;
afterEach(async () => {
  await queue?.close();
  await world?.close();
  await redis?.stop();
  queue = null;
  world = null;
  redis = null;
});

async function until(check: () => Promise<boolean> | boolean): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** 200 deliveries for 150 targets: every fourth one is a redelivery of an earlier delivery id. */
function deliveries(): { deliveryId: string; repo: string; number: number; payload: Record<string, unknown> }[] {
  const fresh = Array.from({ length: 150 }, (_, i) => ({ deliveryId: `delivery-${i}`, repo: `octo/repo${i % 5}`, number: i + 1, payload: { task: `fix #${i + 1}` } }));
  const all: typeof fresh = [];
  for (let i = 0; i < 150; i++) {
    all.push(fresh[i] as (typeof fresh)[number]);
    if (i % 3 === 2) all.push(fresh[i - 1] as (typeof fresh)[number]);
  }
  return all;
}

const doneJobs = (events: WorkerEvent[]) => new Set(events.filter((e) => e.event === "done").map((e) => e.job));

describe("scale-out over Redis", () => {
  it("3 workers and 200 deliveries (50 of them redeliveries): exactly 150 jobs, none lost, at most one pull request per target", async () => {
    redis = await startRedisServer();
    queue = openRedisQueue({ url: redis.url, prefix: "burst" });
    world = await startSessionWorld({ redisUrl: redis.url, prefix: "burst", modelLatencyMs: 5, steps: 2 });
    const pids = [await world.spawnWorker(2), await world.spawnWorker(2), await world.spawnWorker(2)].map((child) => child.pid);
    const all = deliveries();
    expect(all).toHaveLength(200);
    const results = await Promise.all(all.map((work) => (queue as RedisJobQueue).enqueue(work)));
    expect(results.filter((r) => r.status === "queued")).toHaveLength(150);
    expect(results.filter((r) => r.status === "duplicate")).toHaveLength(50);
    await until(async () => (await (queue as RedisJobQueue).counts()).completed === 150);
    const events = await world.events();
    expect(doneJobs(events).size).toBe(150);
    expect(await queue.counts()).toMatchObject({ waiting: 0, active: 0, failed: 0, delayed: 0 });
    const perTarget = new Map<string, number>();
    for (const pull of world.pulls) perTarget.set(pull.target, (perTarget.get(pull.target) ?? 0) + 1);
    expect(perTarget.size).toBe(150);
    expect([...perTarget.values()].every((n) => n === 1)).toBe(true);
    // Every worker took part (pull-based: each had free slots while the queue was long).
    expect(new Set(events.filter((e) => e.event === "done").map((e) => e.pid))).toEqual(new Set(pids));
  });

  it("kill -9 of the worker running a job: the job returns to the queue, resumes on the other worker from its last checkpoint, and opens one pull request", async () => {
    redis = await startRedisServer();
    queue = openRedisQueue({ url: redis.url, prefix: "kill" });
    world = await startSessionWorld({ redisUrl: redis.url, prefix: "kill", modelLatencyMs: 150, steps: 8 });
    const first = await world.spawnWorker(1);
    await queue.enqueue({ deliveryId: "long-job", repo: "octo/sum", number: 12, payload: { task: "fix" } });
    // The first worker is the only one: it takes the job. Kill it once two steps are checkpointed.
    await until(async () => (await (world as NonNullable<typeof world>).events()).some((e) => e.event === "checkpoint" && e.step === 2));
    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));
    const killedAt = Math.max(...(await world.events()).filter((e) => e.event === "checkpoint").map((e) => e.step ?? 0));
    const second = await world.spawnWorker(1);
    await until(async () => (await (queue as RedisJobQueue).counts()).completed === 1);
    const events = await world.events();
    const starts = events.filter((e) => e.event === "start");
    expect(starts.map((e) => e.pid)).toEqual([first.pid, second.pid]);
    expect(starts[0]?.from).toBe(0);
    // The worker saves a checkpoint, then logs it: killed in between, Redis is one step ahead of the log.
    const resumedFrom = starts[1]?.from ?? -1;
    expect([killedAt, killedAt + 1]).toContain(resumedFrom);
    // Steps done before the kill are not asked of the model again.
    expect(events.filter((e) => e.event === "checkpoint" && e.pid === second.pid).map((e) => e.step)).toEqual(Array.from({ length: 8 - resumedFrom }, (_, i) => resumedFrom + 1 + i));
    expect(events.filter((e) => e.event === "done").map((e) => e.pid)).toEqual([second.pid]);
    expect(world.pulls).toEqual([{ number: 1, head: "local-agent/job-long-job", target: "octo/sum#12", updates: 0 }]);
  });

  it("Redis killed and restarted mid-burst (AOF, fsync always): every accepted delivery runs, one pull request per target", async () => {
    redis = await startRedisServer({ appendonly: true });
    queue = openRedisQueue({ url: redis.url, prefix: "restart" });
    world = await startSessionWorld({ redisUrl: redis.url, prefix: "restart", modelLatencyMs: 20, steps: 2 });
    for (let i = 0; i < 3; i++) await world.spawnWorker(2);
    const work = (i: number) => ({ deliveryId: `r-${i}`, repo: "octo/sum", number: i + 1, payload: {} });
    const firstHalf = await Promise.all(Array.from({ length: 50 }, (_, i) => (queue as RedisJobQueue).enqueue(work(i))));
    await until(async () => doneJobs(await (world as NonNullable<typeof world>).events()).size >= 5);
    await redis.restart();
    // Enqueued while the client reconnects: ioredis holds the commands until Redis is back.
    const secondHalf = await Promise.all(Array.from({ length: 50 }, (_, i) => (queue as RedisJobQueue).enqueue(work(50 + i))));
    expect([...firstHalf, ...secondHalf].filter((r) => r.status === "queued")).toHaveLength(100);
    await until(async () => doneJobs(await (world as NonNullable<typeof world>).events()).size === 100);
    expect(await queue.counts()).toMatchObject({ waiting: 0, active: 0, failed: 0 });
    const targets = world.pulls.map((pull) => pull.target);
    expect(new Set(targets).size).toBe(100);
    expect(targets).toHaveLength(100);
  });
});
