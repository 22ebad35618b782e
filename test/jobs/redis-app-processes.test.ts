import { generateKeyPairSync } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { openJobStore } from "../../src/jobs/open-job-store.js";
import { openRedisQueue } from "../../src/jobs/redis/open-redis-queue.js";
import { signSession } from "../../src/jobs/redis/sign-session.js";
import { type AppProcess, eventually, freePort, postWebhook, startCli } from "../helpers/app-processes.js";
import { createScenario, FIX_SCRIPT } from "../helpers/app-scenario.js";
import { type FakeChatReply, startFakeOllamaServer } from "../helpers/fake-ollama-server.js";
import { startGitHubLoopback } from "../helpers/github-loopback.js";
import { checkAgainstOpenApi } from "../helpers/openapi-check.js";
import { type RedisServer, startRedisServer } from "../helpers/redis-server.js";

/**
 * The Redis queue with real processes: `serve --no-worker` receives signed webhooks, two
 * `local-agent worker` processes run the sessions. GitHub is the test's nock mocks, reached by
 * the processes as GitHub Enterprise Server through a loopback relay; the repository is a bare
 * remote; the model a fake Ollama whose reply depends only on the conversation so far (so a
 * session restarted on another worker gets the same replies).
 */
const GHE = "https://ghe.example.test";
const SECRET = "scale-out-webhook-secret-1";
const KEY = generateKeyPairSync("rsa", { modulusLength: 2048 })
  .privateKey.export({ type: "pkcs1", format: "pem" })
  .toString();

let redis: RedisServer;
let db = 0;
const processes: AppProcess[] = [];
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  redis = await startRedisServer({ appendonly: true });
  nock.disableNetConnect();
  nock.enableNetConnect((host) => host.startsWith("127.0.0.1") || host.startsWith("localhost"));
});
afterAll(async () => {
  await redis.stop();
  nock.enableNetConnect();
});
afterEach(async () => {
  for (const p of processes.splice(0)) p.child.kill("SIGKILL");
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  nock.cleanAll();
});

/** The script's next step for this conversation: one step per assistant turn already in it. */
function replyFor(body: Record<string, unknown>): FakeChatReply {
  const messages = Array.isArray(body.messages) ? (body.messages as { role?: string }[]) : [];
  const step = FIX_SCRIPT[messages.filter((m) => m.role === "assistant").length] ?? FIX_SCRIPT.at(-1);
  return { content: JSON.stringify(step) };
}

/** `gate` holds the first model call made after `gateAfter` assistant turns (default 0: the first call). */
/** `serveWorker`: `serve` runs its own worker (no `--no-worker`). */
async function world(
  params: { gate?: Promise<unknown>; gateAfter?: number; workers?: number; serveWorker?: boolean } = {},
) {
  const s = await createScenario();
  cleanups.push(() => s.cleanup());
  s.githubMocks({ api: `${GHE}/api/v3` });
  const github = await startGitHubLoopback({ target: GHE });
  cleanups.push(() => github.close());
  let held = false;
  const ollama = await startFakeOllamaServer({
    replies: ({ body }) => {
      // One model call of the test waits for the gate (a worker is killed or a cancel sent meanwhile).
      const turns = Array.isArray(body.messages)
        ? (body.messages as { role?: string }[]).filter((m) => m.role === "assistant").length
        : 0;
      if (params.gate && !held && turns === (params.gateAfter ?? 0)) {
        held = true;
        return { ...replyFor(body), until: params.gate };
      }
      return replyFor(body);
    },
  });
  cleanups.push(() => ollama.close());
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "la-scale-"));
  cleanups.push(() => fs.rm(root, { recursive: true, force: true }));
  db += 1;
  const env = (name: string): Record<string, string> => ({
    APP_ID: "1",
    PRIVATE_KEY: KEY,
    WEBHOOK_SECRET: SECRET,
    GHE_HOST: github.host,
    GHE_PROTOCOL: "http",
    LOCAL_AGENT_REDIS_URL: `${redis.url}/${db}`,
    LOCAL_AGENT_MODEL: "ollama:qwen2.5-coder:7b",
    OLLAMA_HOST: ollama.url,
    LOCAL_AGENT_DATA_DIR: path.join(root, name),
    LOCAL_AGENT_STALL_SECONDS: "2",
    LOG_LEVEL: "debug",
  });
  // What the processes said is the only trace of a failure that happened in them.
  onTestFailed(() => console.error(processes.map((p) => p.output().slice(-8000)).join("\n===== next process =====\n")));
  const port = await freePort();
  const startServe = () => {
    const started = startCli(params.serveWorker ? ["serve"] : ["serve", "--no-worker"], {
      cwd: root,
      env: { ...env("receiver"), PORT: String(port) },
    });
    processes.push(started);
    return started;
  };
  const serve = startServe();
  const workers = ["a", "b"]
    .slice(0, params.workers ?? 2)
    .map((name) =>
      startCli(["worker", "--model-host", ollama.url, "--slots", "1"], { cwd: root, env: env(`worker-${name}`) }),
    );
  processes.push(...workers);
  await serve.waitFor("local-agent is ready for webhooks");
  await Promise.all(workers.map((w) => w.waitFor("local-agent worker is taking sessions")));
  const receiverJobs = () => {
    const store = openJobStore({ file: path.join(root, "receiver", "jobs.sqlite"), now: () => new Date() });
    try {
      return store.list();
    } finally {
      store.close();
    }
  };
  return {
    s,
    github,
    ollama,
    serve,
    workers,
    port,
    receiverJobs,
    redisUrl: `${redis.url}/${db}`,
    /** kill -9 of the receiver, then a new one on the same port and data. */
    async restartServe() {
      serve.child.kill("SIGKILL");
      await serve.exited;
      const again = startServe();
      await again.waitFor("local-agent is ready for webhooks");
      return again;
    },
    deliver: (id: string, payload: unknown, event = "issues") =>
      postWebhook({ port, secret: SECRET, event, id, payload }),
  };
}

describe("serve --no-worker and two workers over Redis (real processes): running and resuming sessions", () => {
  it("a labeled issue runs on a worker: one pull request, the check run completed, tokens revoked, every GitHub call valid", async () => {
    const w = await world();
    expect(await w.deliver("d-run-1", w.s.labeled())).toBe(200);
    await eventually(() => w.receiverJobs()[0]?.status === "done", "the receiver to record the job as done");
    expect(w.receiverJobs()).toMatchObject([{ id: 1, status: "done", outcome: "completed" }]);
    expect(w.s.sent.pulls).toHaveLength(1);
    expect(w.s.sent.pulls[0]).toMatchObject({ head: "local-agent/issue-12-1", base: "main" });
    expect(w.s.remote.git("show", "local-agent/issue-12-1:src/sum.js")).toContain("return a + b;");
    const ran = w.workers.filter((p) => p.output().includes('"msg":"session finished"'));
    expect(ran).toHaveLength(1);
    const last = w.s.sent.checkRuns.at(-1)?.body;
    expect(last).toMatchObject({ status: "completed", conclusion: "success" });
    const scoped = w.s.sent.tokens.filter((t) => Array.isArray(t.body.repositories)).length;
    expect(scoped).toBeGreaterThan(0);
    expect(w.s.sent.revoked.filter((auth) => auth.includes("ghs_jobScoped"))).toHaveLength(scoped);
    expect(w.github.requests.flatMap((r) => checkAgainstOpenApi(r))).toEqual([]);
    for (const p of [w.serve, ...w.workers]) expect(p.output()).not.toContain("ghs_jobScoped");
    // The receiver's models page lists the GPU boxes' model host, as the workers reported it.
    const models = (await (await fetch(`http://127.0.0.1:${w.port}/local-agent/models.json`)).json()) as {
      boxes: { url: string; status: string; slots: number }[];
    };
    expect(models.boxes).toEqual([expect.objectContaining({ url: w.ollama.url, status: "up", slots: 1 })]);
    const page = await (await fetch(`http://127.0.0.1:${w.port}/local-agent/models`)).text();
    expect(page).toContain("GPU boxes (Redis queue)");
    expect(page).toContain(`<code>${w.ollama.url}</code>`);
  });

  it("a worker killed with -9 mid-session: the session resumes on the other worker from the checkpoint it pushed, with one pull request", async () => {
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    // Held after read, edit and a green test run: the fix is committed and pushed as a checkpoint.
    const w = await world({ gate, gateAfter: 3 });
    expect(await w.deliver("d-kill-1", w.s.labeled())).toBe(200);
    await eventually(
      () => w.workers.some((p) => p.output().includes('"msg":"checkpoint pushed"')),
      "a checkpoint to be pushed",
      30_000,
    );
    const checkpoint = w.s.remote.git("rev-parse", "local-agent/issue-12-1").trim();
    expect(w.s.remote.git("log", "-1", "--format=%s", checkpoint)).toContain("checkpoint, tests pass");
    const victim = w.workers.find((p) => p.output().includes('"msg":"checkpoint pushed"'));
    const survivor = w.workers.find((p) => p !== victim);
    if (!victim || !survivor) throw new Error("no worker started the session");
    victim.child.kill("SIGKILL");
    await victim.exited;
    open();
    await eventually(() => w.receiverJobs()[0]?.status === "done", "the job to finish on the other worker", 90_000);
    expect(survivor.output()).toMatch(/"previousStarts":1,"msg":"session started"/);
    expect(survivor.output()).toContain(
      `"head":"${checkpoint}","msg":"resuming from the checkpoints an earlier attempt pushed"`,
    );
    // The fix came from the dead worker's checkpoint: the branch still has it, as an ancestor of the head.
    w.s.remote.git("merge-base", "--is-ancestor", checkpoint, "local-agent/issue-12-1");
    expect(w.s.remote.git("show", "local-agent/issue-12-1:src/sum.js")).toContain("return a + b;");
    expect(w.receiverJobs()).toMatchObject([{ status: "done", outcome: "completed" }]);
    expect(w.s.sent.pulls).toHaveLength(1);
    expect(w.s.sent.checkRuns.at(-1)?.body).toMatchObject({ status: "completed", conclusion: "success" });
  });

  it("the receiver killed with -9 while a worker runs the session: restarted, it waits for the same session and records its result, with no restart comment", async () => {
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const w = await world({ gate });
    cleanups.push(async () => open());
    expect(await w.deliver("d-receiver-1", w.s.labeled())).toBe(200);
    await eventually(() => w.ollama.requestsTo("/api/chat").length >= 1, "the first model call");
    const again = await w.restartServe();
    open();
    await eventually(() => w.receiverJobs()[0]?.status === "done", "the restarted receiver to record the job as done");
    expect(again.output()).toContain('"handedOver":"duplicate","msg":"job handed to the workers"');
    expect(w.workers.filter((p) => p.output().includes('"msg":"session started"'))).toHaveLength(1);
    expect(w.s.sent.pulls).toHaveLength(1);
    expect(w.s.sent.comments.map((c) => c.body).join("\n")).not.toMatch(/restart|crash/i);
  });
});

describe("serve --no-worker and two workers over Redis (real processes): stopping and refusing sessions", () => {
  it("/cancel reaches the worker running the session: its pushed checkpoint is withdrawn, no pull request, the check run ends cancelled", async () => {
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const w = await world({ gate, gateAfter: 3 });
    cleanups.push(async () => open());
    expect(await w.deliver("d-cancel-1", w.s.labeled())).toBe(200);
    await eventually(
      () => w.workers.some((p) => p.output().includes('"msg":"checkpoint pushed"')),
      "a checkpoint to be pushed",
    );
    expect(w.s.remote.git("branch", "--list", "local-agent/*").trim()).toBe("local-agent/issue-12-1");
    expect(await w.deliver("d-cancel-2", w.s.comment("/cancel"), "issue_comment")).toBe(200);
    await eventually(() => w.receiverJobs()[0]?.status === "cancelled", "the job to be cancelled");
    await eventually(
      () => w.s.sent.checkRuns.at(-1)?.body.conclusion === "cancelled",
      "the check run to end cancelled",
    );
    expect(w.s.sent.pulls).toHaveLength(0);
    // "Nothing was pushed", as the ending says: the checkpoint branch is gone again.
    expect(w.s.remote.git("branch", "--list", "local-agent/*").trim()).toBe("");
    expect(
      w.workers.some((p) =>
        p.output().includes('"msg":"checkpoint branch deleted: the job ended without a pull request"'),
      ),
    ).toBe(true);
  });

  it("a session written into Redis by anyone but the receiver (unsigned, or signed with another secret) is refused before any GitHub call", async () => {
    const w = await world();
    const queue = openRedisQueue({ url: w.redisUrl });
    cleanups.push(() => queue.close());
    const job = {
      id: 99,
      deliveryId: "forged-1",
      repo: "octo/sum",
      installationId: 42,
      target: "issue",
      number: 12,
      trigger: "label",
      actor: "alice",
      instructions: null,
      commentId: null,
      payload: {},
      status: "running",
      attempts: 1,
      createdAt: "2026-12-02T00:00:00.000Z",
      startedAt: null,
      finishedAt: null,
      updatedAt: "2026-12-02T00:00:00.000Z",
      checkRunId: null,
      outcome: null,
      error: null,
      report: null,
      supersededBy: null,
      cancelRequested: false,
      githubWait: null,
      positionShown: null,
    };
    await queue.enqueue({ deliveryId: "forged-1", repo: "octo/sum", number: 12, payload: { job } });
    await queue.enqueue({
      deliveryId: "forged-2",
      repo: "octo/other",
      number: 3,
      payload: signSession({ ...job, id: 98, repo: "octo/other", number: 3 }, "not-the-webhook-secret"),
    });
    for (const id of ["forged-1", "forged-2"]) {
      await eventually(
        () =>
          w.workers.some((p) =>
            p.output().includes(`session ${id} is not signed with this app's webhook secret: refused`),
          ),
        `${id} to be refused`,
      );
    }
    expect(w.s.sent.tokens).toEqual([]);
    expect(w.github.requests).toEqual([]);
    expect(w.workers.some((p) => p.output().includes('"msg":"session started"'))).toBe(false);
  });
});

describe("serve --no-worker over Redis (real processes): superseding", () => {
  it("serve with the Redis URL and no --no-worker runs the session itself, and its dashboard has the run", async () => {
    const w = await world({ workers: 0, serveWorker: true });
    expect(await w.deliver("d-self-1", w.s.labeled())).toBe(200);
    await eventually(() => w.receiverJobs()[0]?.status === "done", "the job to run on serve's own worker");
    expect(w.serve.output()).toContain('"msg":"local-agent worker is taking sessions"');
    expect(w.serve.output()).toContain('"msg":"session finished"');
    expect(w.s.sent.pulls).toHaveLength(1);
    const runs = (await (await fetch(`http://127.0.0.1:${w.port}/local-agent/runs.json`)).json()) as {
      runs: { outcome: string }[];
    };
    expect(runs.runs).toEqual([expect.objectContaining({ outcome: "completed" })]);
  });

  it("a newer /fix replaces a session no worker has taken yet: the older job ends superseded, the newer one is handed over", async () => {
    // No worker runs, so every session waits in Redis.
    const w = await world({ workers: 0 });
    expect(await w.deliver("d-old-1", w.s.labeled())).toBe(200);
    await eventually(
      () => w.serve.output().includes('"handedOver":"queued","msg":"job handed to the workers"'),
      "the first job to be handed over",
    );
    expect(await w.deliver("d-new-1", w.s.comment("/fix use addition"), "issue_comment")).toBe(200);
    await eventually(() => w.receiverJobs()[0]?.status === "cancelled", "the older job to end");
    expect(w.receiverJobs()).toMatchObject([
      { id: 1, status: "cancelled", outcome: "superseded" },
      { id: 2, status: "running", instructions: "use addition" },
    ]);
    expect(w.serve.output()).toContain('"msg":"a waiting session was replaced by a newer /fix"');
    await eventually(() => w.s.checkRun(4242).at(-1)?.conclusion === "neutral", "the older job's check run to close");
    expect(w.s.checkRun(4242).at(-1)).toMatchObject({ status: "completed", output: { title: "Superseded" } });
    const queue = openRedisQueue({ url: w.redisUrl });
    cleanups.push(() => queue.close());
    expect(await queue.counts()).toMatchObject({ waiting: 1, active: 0 });
  });
});
