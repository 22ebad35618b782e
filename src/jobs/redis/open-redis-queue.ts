import { type Job, Queue } from "bullmq";
import { Redis } from "ioredis";
import { atMost, closeRedis } from "./close-redis.js";
import { listModelHosts } from "./list-model-hosts.js";
import { type QueuedWork, queuedWorkSchema, targetKey } from "./queued-work-schema.js";
import { redisNames } from "./redis-names.js";
import { createResultWaiter } from "./wait-for-session-result.js";
import type { ModelHostStatus } from "./watch-model-host.js";

export type EnqueueResult =
  | { status: "queued"; jobId: string; superseded: string | null }
  /** The delivery id is a job already (GitHub redelivered, or the receiver retried). */
  | { status: "duplicate"; jobId: string };

export type RedisCancelResult = { jobId: string | null; was: "waiting" | "active" | "none" };

export interface RedisJobQueue {
  enqueue(work: QueuedWork): Promise<EnqueueResult>;
  /** Removes the target's session if no worker took it yet (a newer `/fix` replaces it); its id, else null. */
  withdraw(repo: string, number: number): Promise<string | null>;
  /** Removes the target's waiting job, or tells every worker to abort its running one. */
  cancel(repo: string, number: number): Promise<RedisCancelResult>;
  /**
   * What the session's worker returned, once it finished (at once if it already has); rejects with
   * BullMQ's reason when it failed for good, and when `signal` aborts (the session itself goes on).
   */
  waitForResult(jobId: string, signal: AbortSignal): Promise<unknown>;
  /** Every model host the workers reported (a silent worker's host shows as down), for the dashboard. */
  modelHosts(): Promise<ModelHostStatus[]>;
  counts(): Promise<{ waiting: number; active: number; completed: number; failed: number; delayed: number }>;
  close(): Promise<void>;
}

const WAITING = new Set(["waiting", "delayed", "prioritized", "waiting-children"]);

/**
 * The webhook receiver's side of the BullMQ queue. A delivery id is the BullMQ job id (a
 * redelivery is a no-op); a target keeps at most one waiting job: a newer delivery removes the
 * waiting one (a running one is left to finish). Enqueues are serialized in this process so two
 * deliveries for one target cannot both see "nothing waiting".
 */
export function openRedisQueue(params: {
  url: string;
  prefix?: string;
  attempts?: number;
  onError?: (error: Error) => void;
}): RedisJobQueue {
  const names = redisNames(params.prefix);
  // BullMQ requires maxRetriesPerRequest null; commands issued while Redis restarts wait, not fail.
  const redis = new Redis(params.url, { maxRetriesPerRequest: null });
  const queue = new Queue<QueuedWork>(names.queue, { connection: redis, prefix: names.prefix });
  redis.on("error", (error: Error) => params.onError?.(error));
  queue.on("error", (error: Error) => params.onError?.(error));
  const results = createResultWaiter({
    url: params.url,
    names,
    queue,
    ...(params.onError ? { onError: params.onError } : {}),
  });

  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = chain.then(work, work);
    chain = next.catch(() => undefined);
    return next;
  };

  async function waitingJob(key: string) {
    const id = await redis.get(names.target(key));
    const job = id ? await queue.getJob(id) : undefined;
    return { id, job, state: job ? await job.getState() : "unknown" };
  }

  async function enqueue(work: QueuedWork): Promise<EnqueueResult> {
    const parsed = queuedWorkSchema.parse(work);
    if (await queue.getJob(parsed.deliveryId)) return { status: "duplicate", jobId: parsed.deliveryId };
    const key = targetKey(parsed);
    // A session a worker took meanwhile is not removed: it runs, and this one queues after it.
    const superseded = await removeIfWaiting(await waitingJob(key));
    await queue.add("session", parsed, {
      jobId: parsed.deliveryId,
      attempts: params.attempts ?? 3,
      backoff: { type: "exponential", delay: 1000 },
      // Finished jobs are kept a day so a late redelivery of the same id is still recognised.
      removeOnComplete: { age: 86_400 },
      removeOnFail: { age: 7 * 86_400 },
    });
    await redis.set(names.target(key), parsed.deliveryId);
    return { status: "queued", jobId: parsed.deliveryId, superseded };
  }

  async function cancel(repo: string, number: number): Promise<RedisCancelResult> {
    const current = await waitingJob(targetKey({ repo, number }));
    if (!current.id || !current.job) return { jobId: null, was: "none" };
    const removed = await removeIfWaiting(current);
    if (removed) return { jobId: removed, was: "waiting" };
    if (current.state === "completed" || current.state === "failed") return { jobId: null, was: "none" };
    await redis.set(names.cancelled(current.id), "1", "EX", 7 * 86_400);
    await redis.publish(names.cancelChannel, current.id);
    return { jobId: current.id, was: "active" };
  }

  return {
    enqueue: (work) => serial(() => enqueue(work)),
    cancel: (repo, number) => serial(() => cancel(repo, number)),
    withdraw: (repo, number) => serial(async () => removeIfWaiting(await waitingJob(targetKey({ repo, number })))),
    waitForResult: results.waitForResult,
    // A worker probes every 5 s; one silent for a minute is gone.
    modelHosts: () =>
      listModelHosts({
        redis,
        ...(params.prefix ? { prefix: params.prefix } : {}),
        now: () => new Date(),
        staleAfterMs: 60_000,
      }),
    counts: async () => {
      const c = await queue.getJobCounts("waiting", "active", "completed", "failed", "delayed", "prioritized");
      return {
        waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
        active: c.active ?? 0,
        completed: c.completed ?? 0,
        failed: c.failed ?? 0,
        delayed: c.delayed ?? 0,
      };
    },
    close: async () => {
      await results.close();
      await atMost(queue.close(), 5000);
      await closeRedis(redis);
    },
  };
}

/** Removes the session if no worker took it yet (remove() refuses one a worker locked meanwhile); its id, else null. */
async function removeIfWaiting(current: {
  id: string | null;
  job: Job<QueuedWork> | undefined;
  state: string;
}): Promise<string | null> {
  const { id, job } = current;
  if (!id || !job || !WAITING.has(current.state)) return null;
  return job.remove().then(
    () => id,
    () => null,
  );
}
