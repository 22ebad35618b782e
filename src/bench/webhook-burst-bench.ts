import { execFileSync } from "node:child_process";
import { createHmac, generateKeyPairSync } from "node:crypto";
import fs from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import pino from "pino";
import { createNodeMiddleware, Probot, ProbotOctokit } from "probot";
import { buildApp } from "../app/build-app.js";
import { readAppEnv } from "../config/read-app-env.js";
import { openJobStore } from "../jobs/open-job-store.js";
import { ModelError } from "../model/model-error.js";
import { openRunStore } from "../store/open-run-store.js";
import { createPlainRunner } from "../workspace/plain-runner.js";

export interface WebhookBurstResult {
  deliveries: number;
  duplicates: number;
  /** Rows in the job table: must be deliveries − duplicates. */
  jobs: number;
  /** Unique deliveries without a job (must be 0). */
  lost: number;
  /** HTTP statuses GitHub would have seen. */
  statuses: Record<string, number>;
  /** From the start of the burst until each delivery's HTTP response, ms. */
  answeredMs: { p50: number; p90: number; p99: number; max: number };
  /**
   * Jobs authorized and acknowledged (👀 + queued check run) within `ackWindowMs` of the burst.
   * Acknowledgements are GitHub writes, which Probot paces at about one per second (GitHub's
   * guidance against secondary rate limits), so this measures that pace, not our speed.
   */
  acknowledged: number;
  ackWindowMs: number;
}

/**
 * The whole webhook path under a burst: signed HTTP deliveries into Probot's node middleware
 * (signature check), the app's handler, the SQLite store, the intake lane (permission check,
 * repo config, 👀, queued check run against an in-process GitHub stand-in), while one GPU slot is
 * busy with a slow model. Nothing is asserted; the CLI prints the figures.
 */
export async function benchWebhookBurst(params: {
  dir: string;
  deliveries: number;
  duplicates: number;
  /** How long each model call takes (the GPU slot stays busy). */
  modelMs: number;
  /** How long to watch acknowledgements after the burst. */
  ackWindowMs?: number;
  clock: () => number;
}): Promise<WebhookBurstResult> {
  const unique = params.deliveries - params.duplicates;
  if (unique < 1 || params.duplicates < 0) throw new Error("need at least one unique delivery and no negative duplicates");
  const secret = "bench-webhook-secret-0123456789";
  const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const remote = await makeRemote(params.dir);
  const env = readAppEnv({
    APP_ID: "1",
    PRIVATE_KEY: privateKey,
    WEBHOOK_SECRET: secret,
    LOCAL_AGENT_MODEL: "ollama:slow",
    LOCAL_AGENT_DATA_DIR: params.dir,
    LOCAL_AGENT_SANDBOX: "off",
  });
  if (!env.ok) throw new Error(env.errors.join("; "));
  const store = openJobStore({ file: path.join(params.dir, "jobs.sqlite"), now: () => new Date() });
  const standIn = githubStandIn();
  const Octokit = ProbotOctokit.defaults({ request: { fetch: standIn } });
  const probot = new Probot({ appId: 1, privateKey, secret, Octokit, log: pino({ level: "silent" }) });
  const runs = openRunStore({ file: path.join(params.dir, "jobs.sqlite"), now: () => new Date(), retentionDays: 0 });
  const { app, handle } = buildApp({
    config: env.config,
    store,
    runs,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: params.dir },
    createRunner: async () => createPlainRunner({ env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } }),
    createModel: () => slowModel(params.modelMs),
    now: () => new Date(),
    workspacesDir: path.join(params.dir, "workspaces"),
    reportsDir: path.join(params.dir, "reports"),
    fetch: standIn,
  });
  const middleware = await createNodeMiddleware(app, { probot });
  const server = http.createServer((req, res) => {
    void middleware(req, res, () => {
      res.writeHead(404);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await handle.ready;

  const ids = Array.from({ length: unique }, (_, i) => `burst-${i}`);
  const order = [...ids, ...Array.from({ length: params.duplicates }, (_, i) => ids[(i * 7) % unique] ?? "burst-0")];
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const started = params.clock();
  const answered: number[] = [];
  const statuses: Record<string, number> = {};
  await Promise.all(
    order.map(async (id) => {
      const n = Number(id.split("-")[1]) + 1;
      const body = JSON.stringify(labeledPayload({ number: n, cloneUrl: remote }));
      const status = await post({ port, agent, body, id, signature: `sha256=${createHmac("sha256", secret).update(body).digest("hex")}` });
      answered.push(params.clock() - started);
      statuses[String(status)] = (statuses[String(status)] ?? 0) + 1;
    }),
  );
  const ackWindowMs = params.ackWindowMs ?? 10_000;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, ackWindowMs - (params.clock() - started))));
  const jobs = store.list();
  const acknowledged = jobs.filter((job) => job.status !== "pending").length;
  const stored = new Set(jobs.map((job) => job.deliveryId));
  await handle.scheduler().stop();
  store.close();
  runs.close();
  agent.destroy();
  await new Promise((resolve) => server.close(resolve));
  answered.sort((a, b) => a - b);
  const at = (q: number) => answered[Math.min(answered.length - 1, Math.floor(q * answered.length))] ?? 0;
  return {
    deliveries: params.deliveries,
    duplicates: params.duplicates,
    jobs: jobs.length,
    lost: ids.filter((id) => !stored.has(id)).length,
    statuses,
    answeredMs: { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: answered.at(-1) ?? 0 },
    acknowledged,
    ackWindowMs,
  };
}

function post(params: { port: number; agent: http.Agent; body: string; id: string; signature: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port: params.port,
        path: "/api/github/webhooks",
        method: "POST",
        agent: params.agent,
        headers: { "content-type": "application/json", "x-github-event": "issues", "x-github-delivery": params.id, "x-hub-signature-256": params.signature },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(params.body);
  });
}

function labeledPayload(params: { number: number; cloneUrl: string }) {
  return {
    action: "labeled",
    label: { name: "local-agent" },
    installation: { id: 7 },
    repository: { full_name: "bench/repo", name: "repo", owner: { login: "bench" }, clone_url: params.cloneUrl, default_branch: "main" },
    issue: { number: params.number, title: `Task ${params.number}`, body: "Fix it.\n\nAllowed files: a.txt", labels: [{ name: "local-agent" }] },
    sender: { login: "maintainer", id: 1, type: "User" },
  };
}

/** Answers the GitHub API calls the app makes, instantly, like a fast GitHub would. */
function githubStandIn(): typeof fetch {
  let id = 0;
  return async (input, init) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    const method = (init?.method ?? "GET").toUpperCase();
    const json = (status: number, body: unknown) => new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
    if (url.pathname.endsWith("/access_tokens")) return json(201, { token: "ghs_benchInstallationToken000000000000000000", expires_at: new Date(Date.now() + 3_600_000).toISOString() });
    if (url.pathname.includes("/collaborators/")) return json(200, { permission: "write", role_name: "write" });
    if (url.pathname.includes("/contents/")) return json(404, { message: "Not Found" });
    if (/\/issues\/\d+$/.test(url.pathname)) return json(200, { state: "open", locked: false, labels: [{ name: "local-agent" }] });
    if (url.pathname.includes("/git/ref/")) return json(200, { object: { sha: "0".repeat(40) } });
    if (url.pathname.endsWith("/check-runs") && method === "POST") return json(201, { id: ++id });
    if (url.pathname.includes("/check-runs/")) return json(200, { id });
    if (url.pathname.endsWith("/reactions")) return json(201, { id: ++id, content: "eyes" });
    if (url.pathname.endsWith("/comments")) return json(201, { id: ++id });
    if (url.pathname === "/app") return json(200, { slug: "local-agent" });
    if (url.pathname.startsWith("/users/")) return json(200, { id: 1, login: "local-agent[bot]" });
    if (url.pathname === "/installation/token") return json(204, null);
    return json(404, { message: `bench stand-in has no ${method} ${url.pathname}` });
  };
}

function slowModel(ms: number) {
  return {
    spec: "ollama:slow",
    info: async () => ({ spec: "ollama:slow", backend: "bench", name: "slow", quantization: null, contextLength: 32768, numCtx: 32768, backendVersion: null, warnings: [] }),
    complete: (request: { signal?: AbortSignal }) =>
      new Promise<never>((_, reject) => {
        const timer = setTimeout(() => reject(new ModelError("unreachable", "the benchmark's slow model never answers", "")), ms);
        request.signal?.addEventListener("abort", () => {
          clearTimeout(timer);
          reject(new ModelError("aborted", "cancelled", ""));
        });
      }),
  };
}

async function makeRemote(dir: string): Promise<string> {
  const seed = path.join(dir, "seed");
  const bare = path.join(dir, "remote.git");
  await fs.mkdir(seed, { recursive: true });
  await fs.writeFile(path.join(seed, "a.txt"), "a\n");
  // A test command, so the first job really starts and the slow model holds the GPU slot.
  await fs.writeFile(path.join(seed, "Makefile"), "test:\n\ttrue\n");
  const git = (cwd: string, ...args: string[]) =>
    execFileSync("git", ["-c", "core.hooksPath=/dev/null", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", ...args], { cwd, stdio: "pipe" });
  git(dir, "init", "-q", "--bare", "-b", "main", bare);
  git(seed, "init", "-q", "-b", "main");
  git(seed, "add", "-A");
  git(seed, "commit", "-q", "-m", "seed");
  git(seed, "push", "-q", bare, "main:main");
  return `file://${bare}`;
}
