import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { openRedisQueue } from "../jobs/redis/open-redis-queue.js";
import { startRedisWorker, type RedisWorkerHandle } from "../jobs/redis/start-redis-worker.js";
import { pingRedis } from "../jobs/redis/ping-redis.js";

export interface ScaleOutRow {
  workers: number;
  sessions: number;
  ms: number;
  /** Sessions per minute. */
  perMinute: number;
  /** Throughput relative to one worker. */
  ratio: number;
}

async function listen(server: http.Server | net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as net.AddressInfo).port;
}

/**
 * Throughput of the Redis queue with 1, 2, 4… workers (one slot each, like one GPU box each)
 * on a model host that answers every step after a fixed latency: the same sessions each time,
 * on a throwaway redis-server. Returns null when redis-server is not installed.
 */
export async function benchScaleOut(params: { workerCounts: number[]; sessions: number; steps: number; stepMs: number; clock: () => number }): Promise<ScaleOutRow[] | null> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "la-scale-"));
  const probe = net.createServer();
  const port = await listen(probe);
  await new Promise((resolve) => probe.close(resolve));
  const redis = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", ""], { stdio: "ignore" });
  const spawned = await new Promise<boolean>((resolve) => {
    redis.once("error", () => resolve(false));
    redis.once("spawn", () => resolve(true));
  });
  const model = http.createServer((_req, res) => void setTimeout(() => res.end("{}"), params.stepMs));
  const modelUrl = `http://127.0.0.1:${await listen(model)}`;
  try {
    if (!spawned) return null;
    while (!(await pingRedis(port))) await new Promise((resolve) => setTimeout(resolve, 50));
    const rows: ScaleOutRow[] = [];
    for (const count of params.workerCounts) rows.push(await oneRound({ url: `redis://127.0.0.1:${port}`, prefix: `bench${count}`, count, modelUrl, ...params }));
    const base = rows[0]?.perMinute ?? 1;
    return rows.map((row) => ({ ...row, ratio: row.perMinute / base }));
  } finally {
    redis.kill("SIGKILL");
    model.closeAllConnections();
    await new Promise((resolve) => model.close(resolve));
    await fs.rm(dir, { recursive: true, force: true });
  }
}

async function oneRound(params: { url: string; prefix: string; count: number; modelUrl: string; sessions: number; steps: number; clock: () => number }): Promise<ScaleOutRow> {
  const queue = openRedisQueue({ url: params.url, prefix: params.prefix });
  const workers: RedisWorkerHandle[] = [];
  let done = 0;
  let finish: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (finish = resolve));
  for (let i = 0; i < params.count; i++) {
    workers.push(
      startRedisWorker({
        url: params.url,
        prefix: params.prefix,
        slots: 1,
        run: async (ctx) => {
          for (let step = 0; step < params.steps; step++) await (await fetch(`${params.modelUrl}/step`, { method: "POST", signal: ctx.signal })).text();
          if (++done === params.sessions) finish();
        },
      }),
    );
  }
  await Promise.all(workers.map((worker) => worker.ready));
  const started = params.clock();
  for (let i = 0; i < params.sessions; i++) await queue.enqueue({ deliveryId: `s-${i}`, repo: "bench/repo", number: i + 1, payload: {} });
  await all;
  const ms = params.clock() - started;
  for (const worker of workers) await worker.close();
  await queue.close();
  return { workers: params.count, sessions: params.sessions, ms, perMinute: (params.sessions / ms) * 60_000, ratio: 1 };
}
