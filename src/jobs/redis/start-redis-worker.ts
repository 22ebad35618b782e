import { Worker } from "bullmq";
import { Redis } from "ioredis";
import { jobAbortReason } from "../job-abort-kind.js";
import { atMost, closeRedis } from "./close-redis.js";
import { createSessionProcessor, type SessionContext, type StallOptions } from "./process-session.js";
import type { QueuedWork } from "./queued-work-schema.js";
import { redisNames } from "./redis-names.js";
import { type ModelHostStatus, watchModelHost } from "./watch-model-host.js";

export type { SessionContext, StallOptions } from "./process-session.js";

export interface RedisWorkerHandle {
  /** Resolves once the worker is connected and taking jobs. */
  ready: Promise<void>;
  /**
   * Stops taking jobs. Running sessions are aborted as `shutdown` and put back in the queue (no
   * attempt used); with `force` the worker lets go at once and they return through the stall check.
   */
  close(force?: boolean): Promise<void>;
}

/**
 * One box's worker: pulls whole sessions from the BullMQ queue, `slots` at a time (the model
 * host's parallel slots), and runs each through `run`. A worker killed mid-job stops renewing its
 * lock, so another worker's stall check puts the job back and it resumes from its checkpoint.
 * `/cancel` reaches the worker running the job through a pub/sub channel.
 */
export function startRedisWorker(params: {
  url: string;
  slots: number;
  prefix?: string;
  stall?: StallOptions;
  run: (ctx: SessionContext) => Promise<unknown>;
  /** A session running this long is aborted as `deadline` (ms); none when unset. */
  deadlineMs?: number;
  /** The box's model server (`--model-host`): probed, and while it does not answer this worker takes no sessions. */
  modelHost?: { url: string; probeEveryMs?: number; onChange?: (status: ModelHostStatus) => void };
  /** Connection trouble (e.g. Redis restarting): reported, never thrown (an unheard `error` event would end the process). */
  onError?: (error: Error) => void;
}): RedisWorkerHandle {
  if (!Number.isInteger(params.slots) || params.slots < 1)
    throw new Error(`--slots must be a whole number ≥ 1, got ${params.slots}`);
  const names = redisNames(params.prefix);
  const redis = new Redis(params.url, { maxRetriesPerRequest: null });
  const subscriber = new Redis(params.url, { maxRetriesPerRequest: null });
  let hostDown = false;
  const running = new Map<string, AbortController>();
  const processJob = createSessionProcessor({
    redis,
    names,
    running,
    isHostDown: () => hostDown,
    run: params.run,
    ...(params.stall ? { stall: params.stall } : {}),
    ...(params.deadlineMs ? { deadlineMs: params.deadlineMs } : {}),
  });
  const worker = new Worker<QueuedWork>(names.queue, processJob, {
    connection: redis,
    prefix: names.prefix,
    concurrency: params.slots,
    ...(params.stall?.lockDurationMs ? { lockDuration: params.stall.lockDurationMs } : {}),
    ...(params.stall?.stalledIntervalMs ? { stalledInterval: params.stall.stalledIntervalMs } : {}),
    maxStalledCount: params.stall?.maxStalledCount ?? 3,
  });
  const onError = (error: Error) => params.onError?.(error);
  worker.on("error", onError);
  redis.on("error", onError);
  subscriber.on("error", onError);
  subscriber.on("message", (_channel: string, jobId: string) => void worker.cancelJob(jobId, "cancelled"));
  const host = params.modelHost;
  const watch = host
    ? watchModelHost({
        redis,
        hashKey: names.hosts,
        url: host.url,
        slots: params.slots,
        everyMs: host.probeEveryMs ?? 5000,
        now: () => new Date(),
        // A session stays on this box's host (its KV cache): while the host is down, queued sessions wait for other boxes.
        onChange: async (status) => {
          hostDown = status.status === "down";
          if (hostDown) await worker.pause(true);
          else worker.resume();
          host.onChange?.(status);
        },
      })
    : null;
  const ready = Promise.all([worker.waitUntilReady(), subscriber.subscribe(names.cancelChannel), watch?.first]).then(
    () => undefined,
  );
  return {
    ready,
    close: async (force = false) => {
      watch?.stop();
      if (!force) {
        // An orderly stop: running sessions are aborted as `shutdown` and go back to the queue.
        for (const [jobId, controller] of running)
          controller.abort(jobAbortReason("shutdown", `the worker is stopping (session ${jobId})`));
      }
      // A session aborted as shutdown still has to settle; with Redis gone, BullMQ would wait forever.
      await atMost(worker.close(force), force ? 5000 : 60_000);
      await closeRedis(subscriber);
      await closeRedis(redis);
    },
  };
}
