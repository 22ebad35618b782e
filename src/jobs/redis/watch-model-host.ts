import type { Redis } from "ioredis";
import { z } from "zod";

/** One model host as its worker last saw it; kept in a Redis hash so doctor and the dashboard can list every box. */
export const modelHostStatusSchema = z.object({
  /** The model server's base URL (`--model-host`). */
  url: z.string(),
  /** Parallel sessions this host takes (`--slots`). */
  slots: z.number().int().positive(),
  status: z.enum(["up", "down"]),
  /** When the status last changed (ISO 8601). */
  since: z.string(),
  /** When the worker last probed the host (ISO 8601); an old value means the worker itself is gone. */
  checkedAt: z.string(),
  /** Why it is down (the probe's error), else null. */
  reason: z.string().nullable(),
});
export type ModelHostStatus = z.infer<typeof modelHostStatusSchema>;

/** Any HTTP answer means the server is there; a refused, reset or silent connection means it is not. */
async function probeHost(url: string, timeoutMs: number): Promise<string | null> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return null;
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : null;
    return cause ?? (error instanceof Error ? error.message : String(error));
  }
}

/**
 * Probes the worker's model host every `everyMs`: when it stops answering the worker pauses (its
 * queued sessions go to other boxes) and the host is marked down in `hashKey`; when it answers
 * again the worker resumes. Returns a stop function.
 */
export function watchModelHost(params: {
  redis: Redis;
  hashKey: string;
  url: string;
  slots: number;
  everyMs: number;
  now: () => Date;
  onChange: (status: ModelHostStatus) => Promise<void>;
}): { stop: () => void; first: Promise<void> } {
  let current: ModelHostStatus | null = null;
  let stopped = false;
  const check = async () => {
    const reason = await probeHost(params.url, Math.max(500, params.everyMs));
    const at = params.now().toISOString();
    const status = reason === null ? "up" : "down";
    const changed = current?.status !== status;
    current = {
      url: params.url,
      slots: params.slots,
      status,
      since: changed || !current ? at : current.since,
      checkedAt: at,
      reason,
    };
    if (stopped) return;
    // The worker pauses before the host shows as down: whoever reads "down" may rely on it.
    if (changed) await params.onChange(current);
    await params.redis.hset(params.hashKey, params.url, JSON.stringify(current));
  };
  const first = check().catch(() => undefined);
  // One probe at a time: the next starts `everyMs` after the last one ended.
  void (async () => {
    await first;
    while (!stopped) {
      await new Promise((resolve) => setTimeout(resolve, params.everyMs).unref());
      if (!stopped) await check().catch(() => undefined);
    }
  })();
  return {
    first,
    stop: () => {
      stopped = true;
    },
  };
}
