import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { listenOnLoopback } from "./listen-on-loopback.js";

const WORKER = path.resolve("test/jobs/fixtures/session-worker.mjs");

export interface WorkerEvent {
  pid: number;
  event: "ready" | "start" | "checkpoint" | "done" | "redis-error";
  job?: string;
  step?: number;
  from?: number;
  target?: string;
}

export interface PullRecord {
  number: number;
  head: string;
  target: string;
  updates: number;
}

/**
 * The world around worker processes: a model host answering each step after a fixed latency, a
 * fake GitHub pulls API on loopback (list by head, create, update), and spawned worker processes
 * that append what they do to one event file.
 */
export async function startSessionWorld(params: { redisUrl: string; prefix: string; modelLatencyMs: number; steps: number }) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "la-world-"));
  const out = path.join(dir, "events.jsonl");
  await fs.writeFile(out, "");
  const model = http.createServer((_req, res) => void setTimeout(() => res.end("{}"), params.modelLatencyMs));
  const pulls: PullRecord[] = [];
  const github = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      if (req.method === "GET") {
        res.end(JSON.stringify(pulls.filter((pull) => pull.head === url.searchParams.get("head"))));
        return;
      }
      const sent = JSON.parse(body) as { head: string; target: string };
      if (req.method === "POST") pulls.push({ number: pulls.length + 1, head: sent.head, target: sent.target, updates: 0 });
      else {
        const pull = pulls.find((p) => p.number === Number(url.pathname.split("/").pop()));
        if (pull) pull.updates++;
      }
      res.end("{}");
    });
  });
  const modelUrl = (await listenOnLoopback(model)).url;
  const githubUrl = (await listenOnLoopback(github)).url;
  const children: ChildProcess[] = [];
  const events = async (): Promise<WorkerEvent[]> =>
    (await fs.readFile(out, "utf8"))
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as WorkerEvent);
  return {
    pulls,
    events,
    children,
    async spawnWorker(slots = 1): Promise<ChildProcess> {
      const child = spawn(process.execPath, [WORKER], {
        stdio: ["ignore", "ignore", "inherit"],
        env: { PATH: process.env.PATH ?? "", REDIS_URL: params.redisUrl, PREFIX: params.prefix, SLOTS: String(slots), OUT: out, MODEL: modelUrl, GITHUB: githubUrl, STEPS: String(params.steps) },
      });
      children.push(child);
      while (!(await events()).some((e) => e.event === "ready" && e.pid === child.pid)) {
        if (child.exitCode !== null) throw new Error(`the worker process exited with ${child.exitCode} before it was ready (is dist/ built? npm run build)`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return child;
    },
    async close() {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      model.closeAllConnections();
      github.closeAllConnections();
      await Promise.all([new Promise((r) => model.close(r)), new Promise((r) => github.close(r))]);
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
