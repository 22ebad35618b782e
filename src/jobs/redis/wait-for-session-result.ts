import { type Queue, QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import { atMost, closeRedis } from "./close-redis.js";
import type { QueuedWork } from "./queued-work-schema.js";
import type { redisNames } from "./redis-names.js";

/** The session was removed from the queue before it finished (a newer `/fix` withdrew it, or a cancel). */
export class SessionRemovedError extends Error {
  override readonly name = "SessionRemovedError";
}

/**
 * How the receiver learns what a session's worker returned: BullMQ's queue events. They are read
 * with blocking calls, so they get a connection of their own, opened on the first wait.
 */
export function createResultWaiter(params: {
  url: string;
  names: ReturnType<typeof redisNames>;
  queue: Queue<QueuedWork>;
  onError?: (error: Error) => void;
}): { waitForResult(jobId: string, signal: AbortSignal): Promise<unknown>; close(): Promise<void> } {
  const { names, queue } = params;
  let events: { queueEvents: QueueEvents; connection: Redis } | null = null;
  const queueEvents = async () => {
    if (!events) {
      const connection = new Redis(params.url, { maxRetriesPerRequest: null });
      connection.on("error", (error: Error) => params.onError?.(error));
      const created = new QueueEvents(names.queue, { connection, prefix: names.prefix });
      created.on("error", (error: Error) => params.onError?.(error));
      events = { queueEvents: created, connection };
    }
    await events.queueEvents.waitUntilReady();
    return events.queueEvents;
  };
  return {
    async waitForResult(jobId, signal) {
      const listening = await queueEvents();
      const job = await queue.getJob(jobId);
      if (!job)
        throw new Error(`session ${jobId} is not in the Redis queue (removed, or cancelled before a worker took it)`);
      signal.throwIfAborted();
      // waitUntilFinished answers at once for a session that finished before this listened.
      return new Promise((resolve, reject) => {
        const done = (settle: () => void) => {
          signal.removeEventListener("abort", onAbort);
          listening.off("removed", onRemoved);
          settle();
        };
        const onAbort = () =>
          done(() => reject(signal.reason instanceof Error ? signal.reason : new Error("stopped waiting")));
        const onRemoved = ({ jobId: removed }: { jobId: string }) => {
          if (removed === jobId)
            done(() =>
              reject(new SessionRemovedError(`session ${jobId} was removed from the queue before it finished`)),
            );
        };
        signal.addEventListener("abort", onAbort, { once: true });
        listening.on("removed", onRemoved);
        job.waitUntilFinished(listening).then(
          (value: unknown) => done(() => resolve(value)),
          (error: unknown) => done(() => reject(error)),
        );
      });
    },
    close: async () => {
      if (!events) return;
      await atMost(events.queueEvents.close(), 5000);
      await closeRedis(events.connection);
    },
  };
}
