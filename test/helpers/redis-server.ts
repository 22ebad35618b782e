import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pingRedis } from "../../src/jobs/redis/ping-redis.js";
import { freePort } from "./listen-on-loopback.js";

export interface RedisServer {
  url: string;
  port: number;
  dir: string;
  /** Kills the server (SIGKILL: no final save) and starts it again on the same port and data dir. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}


/** Resolves once the server accepts a PING on its port (redis-server prints nothing we could wait on reliably). */
async function waitForPing(port: number, child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    if (await pingRedis(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A real redis-server (the Debian package's binary) on a free loopback port with its data in a
 * temp dir. `appendonly` (AOF, fsync always) makes every acknowledged write survive a kill -9.
 */
export async function startRedisServer(params: { appendonly?: boolean } = {}): Promise<RedisServer> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "la-redis-"));
  const port = await freePort();
  let child: ChildProcess | null = null;
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--protected-mode", "yes", "--maxmemory-policy", "noeviction"];
  if (params.appendonly) args.push("--appendonly", "yes", "--appendfsync", "always");
  const start = async () => {
    child = spawn("redis-server", args, { stdio: "ignore" });
    await waitForPing(port, child);
  };
  const kill = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill("SIGKILL");
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    restart: async () => {
      await kill();
      await start();
    },
    stop: async () => {
      await kill();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
