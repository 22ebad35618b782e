import { DelayedError, UnrecoverableError, Worker, type Job } from "bullmq";
import { Redis } from "ioredis";
import { jobAbortKind, jobAbortReason } from "../job-abort-kind.js";
import { holdTargetLock } from "./hold-target-lock.js";
import { queuedWorkSchema, targetKey, type QueuedWork } from "./queued-work-schema.js";
import { redisNames } from "./redis-names.js";
import { watchModelHost, type ModelHostStatus } from "./watch-model-host.js";

/** What a session processor gets: the work, a signal (cancel or shutdown), and its last checkpoint. */
export interface SessionContext {
  work: QueuedWork;
  jobId: string;
  /** Aborts with a `jobAbortKind` reason: `cancelled` (`/cancel` on any box), `deadline`, or `shutdown` (the worker stops; the session goes back to the queue). */
  signal: AbortSignal;
  /** The last checkpoint saved for this job by any worker (null on the first attempt). */
  resumeFrom: unknown;
  /** Saves a checkpoint in Redis (the job's progress): a worker that takes the job over after a crash resumes from it. */
  checkpoint(value: unknown): Promise<void>;
  /** How many times a worker started this session before (and died, failed, or was stopped). */
  previousStarts: number;
}

export interface RedisWorkerHandle {
  /** Resolves once the worker is connected and taking jobs. */
  ready: Promise<void>;
  /**
   * Stops taking jobs. Running sessions are aborted as `shutdown` and put back in the queue (no
   * attempt used); with `force` the worker lets go at once and they return through the stall check.
   */
  close(force?: boolean): Promise<void>;
}

/** Timings of lock renewal and stall detection; tests shorten them, production keeps BullMQ's. */
export interface StallOptions {
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** How often one job may be recovered from a crashed worker before it fails for good. */
  maxStalledCount?: number;
  /** How long a session whose target is busy (another job of it runs) waits before it is tried again (default 1 s). */
  targetBusyRetryMs?: number;
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
  if (!Number.isInteger(params.slots) || params.slots < 1) throw new Error(`--slots must be a whole number ≥ 1, got ${params.slots}`);
  const names = redisNames(params.prefix);
  const redis = new Redis(params.url, { maxRetriesPerRequest: null });
  const subscriber = new Redis(params.url, { maxRetriesPerRequest: null });
  let hostDown = false;
  const running = new Map<string, AbortController>();
  const processJob = async (job: Job<QueuedWork>, token?: string, signal?: AbortSignal) => {
    const jobId = String(job.id);
    // BullMQ's pause does not stop a fetch already waiting on Redis: a session that arrives after the
    // host went down goes straight back to the queue (no attempt used) for another box.
    if (hostDown) {
      await job.moveToDelayed(Date.now() + 1, token);
      throw new DelayedError();
    }
    if (await redis.exists(names.cancelled(jobId))) throw new UnrecoverableError("cancelled");
    const work = queuedWorkSchema.parse(job.data);
    const lock = await holdTargetLock({ redis, key: names.running(targetKey(work)), jobId, ttlMs: params.stall?.lockDurationMs ?? 30_000 });
    if (!lock) {
      // Another job of this issue or PR is running: this one waits its turn (no attempt used).
      await job.moveToDelayed(Date.now() + (params.stall?.targetBusyRetryMs ?? 1000), token);
      throw new DelayedError();
    }
    const starts = await redis.incr(names.starts(jobId));
    await redis.expire(names.starts(jobId), 7 * 86_400);
    const controller = new AbortController();
    running.set(jobId, controller);
    // BullMQ's own signal fires when the job is cancelled (the pub/sub channel below).
    signal?.addEventListener("abort", () => controller.abort(jobAbortReason("cancelled", `session ${jobId} was cancelled`)), { once: true });
    const deadline = params.deadlineMs
      ? setTimeout(() => controller.abort(jobAbortReason("deadline", `session ${jobId} ran past its deadline of ${Math.round((params.deadlineMs ?? 0) / 1000)} s`)), params.deadlineMs)
      : null;
    const ctx: SessionContext = {
      work,
      jobId,
      signal: controller.signal,
      resumeFrom: isCheckpoint(job.progress) ? job.progress.checkpoint : null,
      checkpoint: (value) => job.updateProgress({ checkpoint: value }),
      previousStarts: starts - 1,
    };
    try {
      const result = await params.run(ctx).catch(async (error: unknown) => {
        // A cancelled job must not be retried by BullMQ.
        if (await redis.exists(names.cancelled(jobId))) throw new UnrecoverableError("cancelled");
        if (jobAbortKind(controller.signal) !== "shutdown") throw error;
      });
      if (jobAbortKind(controller.signal) === "shutdown") {
        // Back to the queue for another worker, without using up an attempt (nor counting as a start).
        await redis.decr(names.starts(jobId));
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      }
      return result;
    } finally {
      if (deadline) clearTimeout(deadline);
      running.delete(jobId);
      await lock.release();
    }
  };
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
  const ready = Promise.all([worker.waitUntilReady(), subscriber.subscribe(names.cancelChannel), watch?.first]).then(() => undefined);
  return {
    ready,
    close: async (force = false) => {
      watch?.stop();
      if (!force) {
        // An orderly stop: running sessions are aborted as `shutdown` and go back to the queue.
        for (const [jobId, controller] of running) controller.abort(jobAbortReason("shutdown", `the worker is stopping (session ${jobId})`));
      }
      await worker.close(force);
      await subscriber.quit().catch(() => undefined);
      await redis.quit().catch(() => undefined);
    },
  };
}

function isCheckpoint(value: unknown): value is { checkpoint: unknown } {
  return typeof value === "object" && value !== null && "checkpoint" in value;
}
