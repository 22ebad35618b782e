import { Redis } from "ioredis";
import { listModelHosts } from "../jobs/redis/list-model-hosts.js";

/** A host whose worker has not written for this long shows as down (its worker is gone). */
const STALE_AFTER_MS = 60_000;

/**
 * `doctor`'s view of the Redis queue (LOCAL_AGENT_REDIS_URL): whether Redis answers, and every
 * model host a worker reported, up or down (with why and since when). The URL's password is
 * never printed.
 */
export async function checkModelHosts(params: {
  redisUrl: string;
  now: () => Date;
}): Promise<{ ok: boolean; required: boolean; detail: string }[]> {
  const where = params.redisUrl.replace(/(rediss?:\/\/)[^/@\s]+@/i, "$1***@");
  const redis = new Redis(params.redisUrl, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    const hosts = await listModelHosts({ redis, now: params.now, staleAfterMs: STALE_AFTER_MS });
    const lines = [{ ok: true, required: true, detail: `Redis queue at ${where} answers` }];
    if (hosts.length === 0)
      return [
        ...lines,
        {
          ok: false,
          required: false,
          detail:
            "no worker has reported a model host yet: start `local-agent worker --model-host URL` on each GPU box",
        },
      ];
    for (const host of hosts) {
      const ago = Math.round((params.now().getTime() - Date.parse(host.checkedAt)) / 1000);
      lines.push(
        host.status === "up"
          ? {
              ok: true,
              required: false,
              detail: `model host ${host.url}: up, ${host.slots} slot(s), checked ${ago} s ago`,
            }
          : {
              ok: false,
              required: false,
              detail: `model host ${host.url}: DOWN since ${host.since} (${host.reason ?? "no reason given"}); its sessions go to the other hosts`,
            },
      );
    }
    return lines;
  } catch (error) {
    return [
      {
        ok: false,
        required: true,
        detail: `Redis queue at ${where} does not answer (${error instanceof Error ? error.message : String(error)}): start redis-server there, or fix LOCAL_AGENT_REDIS_URL`,
      },
    ];
  } finally {
    redis.disconnect();
  }
}
