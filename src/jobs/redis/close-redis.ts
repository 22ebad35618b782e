import type { Redis } from "ioredis";

/**
 * Closes a connection without waiting on a Redis that is gone: QUIT on a connected client (its
 * replies are flushed first), a plain disconnect otherwise. A client built with
 * `maxRetriesPerRequest: null` would queue QUIT until Redis came back, so a shutdown during a
 * Redis outage would never end.
 */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === "ready") await client.quit().catch(() => undefined);
  else client.disconnect();
}

/** `work`, or nothing once `ms` passed: BullMQ's own close waits on Redis too. */
export async function atMost(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | null = null;
  await Promise.race([work.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  if (timer) clearTimeout(timer);
}
