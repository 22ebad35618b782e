import type { Redis } from "ioredis";
import { redisNames } from "./redis-names.js";
import { type ModelHostStatus, modelHostStatusSchema } from "./watch-model-host.js";

/**
 * Every model host a worker reported, for doctor and the dashboard. A host whose worker stopped
 * probing it for `staleAfterMs` shows as down too (a killed worker writes nothing).
 */
export async function listModelHosts(params: {
  redis: Redis;
  prefix?: string;
  now: () => Date;
  staleAfterMs: number;
}): Promise<ModelHostStatus[]> {
  const raw = await params.redis.hgetall(redisNames(params.prefix).hosts);
  const hosts: ModelHostStatus[] = [];
  for (const value of Object.values(raw)) {
    const parsed = modelHostStatusSchema.safeParse(parseJson(value));
    if (!parsed.success) continue;
    const host = parsed.data;
    const stale = params.now().getTime() - Date.parse(host.checkedAt) > params.staleAfterMs;
    hosts.push(
      stale && host.status === "up"
        ? { ...host, status: "down", since: host.checkedAt, reason: "its worker stopped reporting" }
        : host,
    );
  }
  return hosts.sort((a, b) => a.url.localeCompare(b.url));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
