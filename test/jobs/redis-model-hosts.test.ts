import http from "node:http";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { listModelHosts } from "../../src/jobs/redis/list-model-hosts.js";
import { openRedisQueue, type RedisJobQueue } from "../../src/jobs/redis/open-redis-queue.js";
import { startRedisWorker, type RedisWorkerHandle, type SessionContext } from "../../src/jobs/redis/start-redis-worker.js";
import { captureCli } from "../helpers/capture-cli.js";
import { freePort } from "../helpers/app-processes.js";
import { listenOnLoopback } from "../helpers/listen-on-loopback.js";
import { startRedisServer, type RedisServer } from "../helpers/redis-server.js";

/** Model hosts: one worker per host with its slots; a host that stops answering is marked down and gets no sessions. */

let redis: RedisServer | null = null;
let queue: RedisJobQueue | null = null;
let client: Redis | null = null;
const workers: RedisWorkerHandle[] = [];
const servers: http.Server[] = [];
afterEach(async () => {
  for (const worker of workers.splice(0)) await worker.close(true);
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await queue?.close();
  await client?.quit();
  await redis?.stop();
  redis = null;
  queue = null;
  client = null;
});

async function modelHost(): Promise<{ server: http.Server; url: string; port: number }> {
  const server = http.createServer((_req, res) => res.end("ok"));
  servers.push(server);
  const { url, port } = await listenOnLoopback(server);
  return { server, url, port };
}

async function until(check: () => Promise<boolean> | boolean): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 25));
}

describe("model hosts", () => {
  it("a host that stops answering is marked down and its worker takes no sessions; back up, it takes them again", async () => {
    redis = await startRedisServer();
    client = new Redis(redis.url);
    queue = openRedisQueue({ url: redis.url, prefix: "hosts" });
    const a = await modelHost();
    const b = await modelHost();
    const ranOn: Record<string, string[]> = { a: [], b: [] };
    let releaseB: () => void = () => undefined;
    const gateB = new Promise<void>((resolve) => (releaseB = resolve));
    const start = (url: string, run: (ctx: SessionContext) => Promise<unknown>) => {
      const handle = startRedisWorker({ url: (redis as RedisServer).url, prefix: "hosts", slots: 1, modelHost: { url, probeEveryMs: 50 }, run });
      workers.push(handle);
      return handle.ready;
    };
    const hosts = () => listModelHosts({ redis: client as Redis, prefix: "hosts", now: () => new Date(), staleAfterMs: 60_000 });
    await start(a.url, async (ctx) => void ranOn.a?.push(ctx.jobId));
    await start(b.url, async (ctx) => {
      ranOn.b?.push(ctx.jobId);
      if (ctx.jobId === "hold-b") await gateB;
    });
    expect((await hosts()).map((h) => [h.url, h.status, h.slots])).toEqual(
      [
        [a.url, "up", 1],
        [b.url, "up", 1],
      ].sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    );

    a.server.closeAllConnections();
    await new Promise((resolve) => a.server.close(resolve));
    await until(async () => (await hosts()).find((h) => h.url === a.url)?.status === "down");
    // The probe's own error (a closed keep-alive connection, then ECONNREFUSED) is the reason.
    expect((await hosts()).find((h) => h.url === a.url)?.reason).toMatch(/closed|ECONNREFUSED/);
    for (let i = 0; i < 10; i++) await queue.enqueue({ deliveryId: `d-${i}`, repo: "octo/sum", number: i + 1, payload: {} });
    await until(async () => (await (queue as RedisJobQueue).counts()).completed === 10);
    expect(ranOn.a).toEqual([]);
    expect(ranOn.b).toHaveLength(10);

    // Back on the same port: a takes sessions again (b's only slot is held, so the next one must go to a).
    await new Promise<void>((resolve) => a.server.listen(a.port, "127.0.0.1", resolve));
    await until(async () => (await hosts()).find((h) => h.url === a.url)?.status === "up");
    await queue.enqueue({ deliveryId: "hold-b", repo: "octo/sum", number: 100, payload: {} });
    await until(() => ranOn.b?.includes("hold-b") ?? false);
    await queue.enqueue({ deliveryId: "to-a", repo: "octo/sum", number: 101, payload: {} });
    await until(() => ranOn.a?.includes("to-a") ?? false);
    releaseB();
  });

  it("a host whose worker stopped reporting shows as down, with the reason", async () => {
    redis = await startRedisServer();
    client = new Redis(redis.url);
    const a = await modelHost();
    const handle = startRedisWorker({ url: redis.url, prefix: "stale", slots: 2, modelHost: { url: a.url, probeEveryMs: 50 }, run: async () => undefined });
    await handle.ready;
    await handle.close();
    const later = new Date(Date.now() + 120_000);
    expect(await listModelHosts({ redis: client, prefix: "stale", now: () => later, staleAfterMs: 60_000 })).toEqual([
      { url: a.url, slots: 2, status: "down", since: expect.any(String), checkedAt: expect.any(String), reason: "its worker stopped reporting" },
    ]);
  });

  it("doctor lists every model host the workers reported (a down one with why), and fails when Redis does not answer", async () => {
    redis = await startRedisServer();
    const up = await modelHost();
    const gone = `http://127.0.0.1:${await freePort()}`;
    for (const url of [up.url, gone]) {
      const handle = startRedisWorker({ url: redis.url, slots: 2, modelHost: { url, probeEveryMs: 50 }, run: async () => undefined });
      workers.push(handle);
      await handle.ready;
    }
    const doctor = async (redisUrl: string) => {
      const cli = captureCli({ env: { PATH: process.env.PATH ?? "", LOCAL_AGENT_REDIS_URL: redisUrl, LOCAL_AGENT_SANDBOX: "off" } });
      const code = await main(["doctor"], cli.deps);
      return { code, out: cli.out() };
    };
    const healthy = await doctor(redis.url.replace("redis://", "redis://:sekret@"));
    expect(healthy.out).toMatch(/^ok {4}redis +Redis queue at redis:\/\/\*\*\*@127\.0\.0\.1:\d+ answers$/m);
    expect(healthy.out).toContain(`model host ${up.url}: up, 2 slot(s), checked`);
    expect(healthy.out).toMatch(new RegExp(`^warn +redis +model host ${gone.replace(/[.:/]/g, "\\$&")}: DOWN since \\S+ \\(.*ECONNREFUSED.*\\); its sessions go to the other hosts$`, "m"));
    expect(healthy.out).not.toContain("sekret");
    const port = redis.port;
    await redis.stop();
    redis = null;
    const down = await doctor(`redis://127.0.0.1:${port}`);
    expect(down.out).toMatch(/^FAIL +redis +Redis queue at redis:\/\/127\.0\.0\.1:\d+ does not answer .*: start redis-server there, or fix LOCAL_AGENT_REDIS_URL$/m);
    expect(down.code).toBe(1);
  });
});
