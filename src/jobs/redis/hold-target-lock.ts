import type { Redis } from "ioredis";

// Take the lock if it is free or already this job's (the job resumed after its worker died).
const ACQUIRE = `local v = redis.call("GET", KEYS[1])
if v == false or v == ARGV[1] then redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[2]) return 1 end
return 0`;
const RENEW = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("PEXPIRE", KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`;

/**
 * One session per issue or PR at a time, across all workers: a lock in Redis named after the
 * target, held by the job id and renewed while it runs. A killed worker's lock expires after
 * `ttlMs`; the same job taken over by another worker gets it at once. Returns null when another
 * job of the target holds it.
 */
export async function holdTargetLock(params: {
  redis: Redis;
  key: string;
  jobId: string;
  ttlMs: number;
}): Promise<{ release(): Promise<void> } | null> {
  const { redis, key, jobId, ttlMs } = params;
  if (Number(await redis.eval(ACQUIRE, 1, key, jobId, String(ttlMs))) !== 1) return null;
  const timer = setInterval(
    () => void redis.eval(RENEW, 1, key, jobId, String(ttlMs)).catch(() => undefined),
    Math.max(100, Math.floor(ttlMs / 3)),
  );
  timer.unref();
  return {
    release: async () => {
      clearInterval(timer);
      await redis.eval(RELEASE, 1, key, jobId).catch(() => undefined);
    },
  };
}
