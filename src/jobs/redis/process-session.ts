import { DelayedError, type Job, UnrecoverableError } from "bullmq";
import type { Redis } from "ioredis";
import { jobAbortKind, jobAbortReason } from "../job-abort-kind.js";
import { holdTargetLock } from "./hold-target-lock.js";
import { type QueuedWork, queuedWorkSchema, targetKey } from "./queued-work-schema.js";
import type { redisNames } from "./redis-names.js";

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
 * BullMQ's processor for one session on this worker: back to the queue at once (no attempt used)
 * while the model host is down or another session of the same issue or PR runs anywhere; else
 * the session runs under the target's lock with a signal that cancel, the deadline and an orderly
 * shutdown abort (a shutdown puts it back in the queue, uncounted).
 */
export function createSessionProcessor(params: {
  redis: Redis;
  names: ReturnType<typeof redisNames>;
  /** Sessions running here, by id: an orderly shutdown aborts them. */
  running: Map<string, AbortController>;
  isHostDown: () => boolean;
  stall?: StallOptions;
  deadlineMs?: number;
  run: (ctx: SessionContext) => Promise<unknown>;
}) {
  const { redis, names, running } = params;
  return async (job: Job<QueuedWork>, token?: string, signal?: AbortSignal) => {
    const jobId = String(job.id);
    // BullMQ's pause does not stop a fetch already waiting on Redis: a session that arrives after the
    // host went down goes straight back to the queue (no attempt used) for another box.
    if (params.isHostDown()) {
      await job.moveToDelayed(Date.now() + 1, token);
      throw new DelayedError();
    }
    if (await redis.exists(names.cancelled(jobId))) throw new UnrecoverableError("cancelled");
    const work = queuedWorkSchema.parse(job.data);
    const lock = await holdTargetLock({
      redis,
      key: names.running(targetKey(work)),
      jobId,
      ttlMs: params.stall?.lockDurationMs ?? 30_000,
    });
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
    signal?.addEventListener(
      "abort",
      () => controller.abort(jobAbortReason("cancelled", `session ${jobId} was cancelled`)),
      { once: true },
    );
    const deadline = params.deadlineMs
      ? setTimeout(
          () =>
            controller.abort(
              jobAbortReason(
                "deadline",
                `session ${jobId} ran past its deadline of ${Math.round((params.deadlineMs ?? 0) / 1000)} s`,
              ),
            ),
          params.deadlineMs,
        )
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
}

function isCheckpoint(value: unknown): value is { checkpoint: unknown } {
  return typeof value === "object" && value !== null && "checkpoint" in value;
}
