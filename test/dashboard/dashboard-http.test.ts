import fs from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { createModelBackend } from "../../src/model/create-model-backend.js";
import { startHarness, type Harness } from "../helpers/app-harness.js";
import { makeBareRemote } from "../helpers/bare-remote.js";
import { captureCli } from "../helpers/capture-cli.js";
import { startDashboardServer } from "../helpers/dashboard-server.js";
import { startFakeOllamaServer } from "../helpers/fake-ollama-server.js";
import { fakeNvidiaSmi } from "../helpers/fake-nvidia-smi.js";
import { makeGitRepo, SUM_ISSUE, SUM_REPO } from "../helpers/git-fixture.js";
import { parsePrometheusText, type PromSample } from "../helpers/parse-prometheus-text.js";
import type { ScriptStep } from "../helpers/scripted-model.js";
import { CLIENT_ID, CLIENT_SECRET, FIX_STEPS, freePort, githubMocks, labeled, newSent, nockOAuth, REPO, type Sent } from "./dashboard-fixtures.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
  nock.cleanAll();
});

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect((host) => host.startsWith("127.0.0.1") || host.startsWith("localhost"));
});

async function app(params: Parameters<typeof startHarness>[0] & { port?: number }): Promise<{ harness: Harness; url: string }> {
  const harness = await startHarness(params);
  const server = await startDashboardServer(harness.handle.dashboard(), params.port);
  cleanups.push(async () => {
    await server.close();
    await harness.close();
  });
  return { harness, url: server.url };
}

async function repoWithJob(params: { sent: Sent }) {
  const remote = await makeBareRemote(SUM_REPO);
  cleanups.push(remote.cleanup);
  githubMocks({ sent: params.sent, mainSha: remote.git("rev-parse", "main").trim() });
  return remote;
}

/** A GET with any headers, Host included (fetch may not set Host): how a rebinding page or a proxy reaches the app. */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers }, (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString()));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    request.on("error", reject);
  });
}

function sample(samples: PromSample[], name: string, labels: Record<string, string> = {}): number | null {
  const found = samples.find((entry) => entry.name === name && Object.entries(labels).every(([key, value]) => entry.labels[key] === value));
  return found ? found.value : null;
}

describe("who may look", () => {
  it("needs no sign-in from loopback, but does for a proxied request, a rebinding Host name and JSON from elsewhere", async () => {
    const { url } = await app({ script: [] });
    const host = new URL(url).host;
    expect((await rawGet(`${url}/local-agent/runs`, { host })).status).toBe(200);
    expect((await rawGet(`${url}/local-agent/runs`, { host: `localhost:${new URL(url).port}` })).status).toBe(200);
    const proxied = await rawGet(`${url}/local-agent/runs`, { host, "x-forwarded-for": "198.51.100.4" });
    expect(proxied.status).toBe(303);
    expect(proxied.headers.location).toBe("/local-agent/login?next=%2Flocal-agent%2Fruns");
    // A page on evil.example whose name now resolves to 127.0.0.1 reaches this port from the operator's browser.
    const rebound = await rawGet(`${url}/local-agent/runs/1.json`, { host: `evil.example:${new URL(url).port}` });
    expect(rebound.status).toBe(401);
    expect(JSON.parse(rebound.body)).toEqual({ error: expect.stringContaining("sign in first") });
    const events = await rawGet(`${url}/local-agent/queue/events`, { host, forwarded: "for=198.51.100.4" });
    expect(events.status).toBe(401);
    // Without sign-in configured, the login page says what to set.
    const login = await rawGet(`${url}/local-agent/login`, { host, "x-forwarded-for": "198.51.100.4" });
    expect(login.status).toBe(403);
    expect(login.body).toContain("Set LOCAL_AGENT_PUBLIC_URL, GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET");
  });

  it("signs in with a state bound to the browser, returns only to its own pages, and keeps no user token", async () => {
    const port = await freePort();
    const { harness, url } = await app({ script: [], port, env: { LOCAL_AGENT_PUBLIC_URL: `http://127.0.0.1:${port}`, GITHUB_CLIENT_ID: CLIENT_ID, GITHUB_CLIENT_SECRET: CLIENT_SECRET } });
    const remote = { host: `127.0.0.1:${port}`, "x-forwarded-for": "198.51.100.4" };
    const start = await rawGet(`${url}/local-agent/login?next=${encodeURIComponent("https://evil.example/phish")}`, remote);
    const authorize = new URL(String(start.headers.location));
    const state = authorize.searchParams.get("state") ?? "";
    const stateCookie = String(start.headers["set-cookie"]?.[0]);
    expect(stateCookie).toMatch(/^la_oauth_state=[^;]+; Max-Age=600; Path=\/local-agent\/auth; HttpOnly; SameSite=Lax$/);

    // The callback from another browser (no state cookie) is refused, and the state is not spent by it.
    expect((await rawGet(`${url}/local-agent/auth/callback?code=c1&state=${state}`, remote)).status).toBe(400);
    const oauth = nockOAuth({ code: "c1", login: "alice" });
    const back = await rawGet(`${url}/local-agent/auth/callback?code=c1&state=${state}`, { ...remote, cookie: stateCookie.split(";")[0] ?? "" });
    expect(back.status).toBe(303);
    expect(back.headers.location).toBe("/local-agent/runs");
    const session = String(back.headers["set-cookie"]?.[0]);
    expect(session).toMatch(/^la_session=[A-Za-z0-9_-]{43}; Max-Age=28800; Path=\/local-agent; HttpOnly; SameSite=Lax$/);
    expect(oauth.exchanged[0]).toMatchObject({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code: "c1", redirect_uri: `http://127.0.0.1:${port}/local-agent/auth/callback` });
    expect(oauth.revoked).toEqual([expect.stringMatching(/^ghu_/)]);
    const runs = await rawGet(`${url}/local-agent/runs`, { ...remote, cookie: session.split(";")[0] ?? "" });
    expect(runs.status).toBe(200);
    expect(runs.body).toContain("Signed in as <strong>@alice</strong>");
    // Signing out needs the page's token: a bare cross-site post leaves the session alone.
    const cookie = session.split(";")[0] ?? "";
    const csrf = /name="csrf" value="([^"]+)"/.exec(runs.body)?.[1] ?? "";
    const post = (body: string) => fetch(`${url}/local-agent/logout`, { method: "POST", redirect: "manual", headers: { ...remote, cookie, "content-type": "application/x-www-form-urlencoded" }, body });
    expect((await post("")).headers.get("set-cookie")).toBeNull();
    expect((await rawGet(`${url}/local-agent/runs`, { ...remote, cookie })).status).toBe(200);
    expect((await post(`csrf=${encodeURIComponent(csrf)}`)).headers.get("set-cookie")).toMatch(/^la_session=; Max-Age=0/);
    expect((await rawGet(`${url}/local-agent/runs`, { ...remote, cookie })).status).toBe(303);
    // A state works once.
    expect((await rawGet(`${url}/local-agent/auth/callback?code=c1&state=${state}`, { ...remote, cookie: stateCookie.split(";")[0] ?? "" })).status).toBe(400);
    expect(harness.logs()).toContain("dashboard sign-in");
  });
});

describe("/metrics", () => {
  it("is scraped and parsed: queue, jobs, runs by exit, validity, interventions by layer, latency, speed, prompt reuse", async () => {
    const sent = newSent();
    const remote = await repoWithJob({ sent });
    const fenced: ScriptStep[] = [{ content: "```json\n" + JSON.stringify({ tool: "read_file", args: { path: "src/sum.js" } }) + "\n```", latencyMs: 500, completionTokens: 20 }, ...FIX_STEPS.slice(1)];
    const { harness, url } = await app({ script: fenced, env: { LOCAL_AGENT_METRICS_TOKEN: "scrape-token-0123456789" } });
    await harness.deliver({ id: "d-1", name: "issues", payload: labeled({ cloneUrl: remote.url, number: 12, title: "sum() subtracts" }) });
    await harness.settle();

    const scrape = await fetch(`${url}/metrics`);
    expect(scrape.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    const { types, samples: families } = parsePrometheusText(await scrape.text());
    expect(types.get("local_agent_model_call_duration_seconds")).toBe("histogram");
    expect(sample(families, "local_agent_queue_depth")).toBe(0);
    expect(sample(families, "local_agent_jobs", { status: "done" })).toBe(1);
    expect(sample(families, "local_agent_jobs_finished_total", { status: "done", outcome: "completed" })).toBe(1);
    expect(sample(families, "local_agent_runs_total", { exit: "finished", outcome: "completed" })).toBe(1);
    expect(sample(families, "local_agent_tool_calls_total", { stage: "raw", valid: "false" })).toBe(1);
    expect(sample(families, "local_agent_tool_calls_total", { stage: "raw", valid: "true" })).toBe(3);
    expect(sample(families, "local_agent_tool_calls_total", { stage: "effective", valid: "true" })).toBe(4);
    expect(sample(families, "local_agent_interventions_total", { layer: "repair", intervention: "stripped_fence" })).toBe(1);
    expect(sample(families, "local_agent_model_call_duration_seconds_count", { purpose: "agent" })).toBe(4);
    expect(sample(families, "local_agent_model_tokens_per_second_count", { purpose: "agent" })).toBe(4);
    const reused = (sample(families, "local_agent_prompt_prefix_reuse_total", { reused: "true" }) ?? 0) + (sample(families, "local_agent_prompt_prefix_reuse_total", { reused: "false" }) ?? 0);
    expect(reused).toBe(3);
    // No repository names or titles in the labels.
    expect(JSON.stringify(families)).not.toContain(REPO);

    // From elsewhere: only with the bearer token.
    const host = new URL(url).host;
    expect((await rawGet(`${url}/metrics`, { host, "x-forwarded-for": "198.51.100.4" })).status).toBe(403);
    expect((await rawGet(`${url}/metrics`, { host, "x-forwarded-for": "198.51.100.4", authorization: "Bearer wrong-token-0123456789" })).status).toBe(403);
    expect((await rawGet(`${url}/metrics`, { host, "x-forwarded-for": "198.51.100.4", authorization: "Bearer scrape-token-0123456789" })).status).toBe(200);

    // Each app instance has its own registry: a second app counts nothing yet.
    const other = await app({ script: [] });
    expect(sample(parsePrometheusText(await (await fetch(`${other.url}/metrics`)).text()).samples, "local_agent_runs_total", { exit: "finished" })).toBeNull();
  });
});

describe("an app run in the store", () => {
  it("keeps the transcript of a live run, which downloads and replays; PR and check run link to the dashboard", async () => {
    const sent = newSent();
    const remote = await repoWithJob({ sent });
    const ollama = await startFakeOllamaServer({ replies: FIX_STEPS.map((step) => ({ content: (step as { content: string }).content })) });
    cleanups.push(() => ollama.close());
    const port = await freePort();
    const { harness, url } = await app({
      port,
      env: { LOCAL_AGENT_PUBLIC_URL: "https://agent.example.com" },
      script: ({ spec, recordFile }) => createModelBackend({ spec, env: { OLLAMA_HOST: ollama.url }, cwd: os.tmpdir(), recordFile }),
    });
    await harness.deliver({ id: "d-1", name: "issues", payload: labeled({ cloneUrl: remote.url, number: 12, title: "sum() subtracts" }) });
    await harness.settle();
    expect(sent.pulls[0]?.body).toContain("[This run turn by turn on the dashboard](https://agent.example.com/local-agent/jobs/1)");
    expect(sent.checkRuns[0]?.body.details_url).toBe("https://agent.example.com/local-agent/jobs/1");
    // The preflight loaded the model with the run's num_ctx before the first turn.
    expect(ollama.requests.map((request) => request.path).slice(0, 5)).toEqual(["/api/version", "/api/show", "/api/generate", "/api/ps", "/api/chat"]);

    const job = await fetch(`${url}/local-agent/jobs/1`, { redirect: "manual" });
    expect(job.status).toBe(303);
    expect(job.headers.get("location")).toBe("/local-agent/runs/1");
    const data = (await (await fetch(`${url}/local-agent/runs/1.json`)).json()) as { run: { diff: string; checkRunId: number; branch: string; hasTranscript: boolean } };
    expect(data.run).toMatchObject({ checkRunId: 4242, branch: "local-agent/issue-12-1", hasTranscript: true });
    expect(data.run.diff).toContain("+  return a + b;");

    const transcript = await (await fetch(`${url}/local-agent/runs/1/transcript.jsonl`)).text();
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "la-replay-"));
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    await fs.writeFile(path.join(dir, "run-1.transcript.jsonl"), transcript);
    const checkout = await makeGitRepo(SUM_REPO);
    cleanups.push(checkout.cleanup);
    const cli = captureCli({ cwd: dir });
    expect(await main(["run", "--repo", checkout.dir, "--issue-text", SUM_ISSUE, "--model", "replay:run-1.transcript.jsonl", "--report", path.join(dir, "r.json"), "--quiet"], cli.deps)).toBe(0);
  });

  it("fails a job before its first turn when Ollama loaded a smaller context than the run asks for, saying the figures and the remedy", async () => {
    const sent = newSent();
    const remote = await repoWithJob({ sent });
    const ollama = await startFakeOllamaServer({ memory: { fitContext: 8192 }, replies: [] });
    cleanups.push(() => ollama.close());
    const { harness } = await app({ script: ({ spec, recordFile }) => createModelBackend({ spec, env: { OLLAMA_HOST: ollama.url }, cwd: os.tmpdir(), recordFile }) });
    await harness.deliver({ id: "d-1", name: "issues", payload: labeled({ cloneUrl: remote.url, number: 12, title: "sum() subtracts" }) });
    await harness.settle();
    expect(harness.deps.store.get(1)).toMatchObject({ status: "failed" });
    const comment = sent.comments.at(-1)?.body ?? "";
    expect(comment).toContain("Ollama loaded qwen2.5-coder:7b with a context of 8,192 tokens, but this run asks for 32,768 (num_ctx)");
    expect(comment).toContain("LOCAL_AGENT_NUM_CTX=8192");
    expect(ollama.requestsTo("/api/chat")).toEqual([]);
    expect(sent.checkRuns.at(-1)?.body).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(harness.deps.runs.list()).toEqual([]);
  });
});

describe("the models page", () => {
  it("shows what Ollama really loaded, the GPUs and doctor's verdict, without loading anything", async () => {
    const ollama = await startFakeOllamaServer({
      loaded: [
        { name: "qwen2.5-coder:7b", size: 6_000_000_000, sizeVram: 4_500_000_000, contextLength: 8192 },
        { name: "llama3.1:8b", size: 5_000_000_000, sizeVram: 5_000_000_000, contextLength: 4096 },
      ],
    });
    cleanups.push(() => ollama.close());
    const smi = await fakeNvidiaSmi(["0, NVIDIA GeForce RTX 4070, 11800, 12282, 64"]);
    cleanups.push(smi.cleanup);
    const { url } = await app({
      hostEnv: { PATH: `${smi.dir}:${process.env.PATH ?? ""}` },
      script: ({ spec, recordFile }) => createModelBackend({ spec, env: { OLLAMA_HOST: ollama.url }, cwd: os.tmpdir(), recordFile }),
    });
    const page = await (await fetch(`${url}/local-agent/models`)).text();
    expect(page).toContain('<h2 id="host-0"><code>ollama:qwen2.5-coder:7b</code> <span class="badge level-fail">✗ will not run well</span></h2>');
    expect(page).toMatch(/<tr class="target"><th scope="row">qwen2\.5-coder:7b \(this model\)<\/th><td class="num">8,192<\/td><td class="num">6\.0 GB<\/td><td class="num">4\.5 GB \(75%\)<\/td>/);
    expect(page).toContain("<th scope=\"row\">llama3.1:8b</th><td class=\"num\">4,096</td>");
    expect(page).toContain("Ollama loaded qwen2.5-coder:7b with a context of 8,192 tokens, but this run asks for 32,768 (num_ctx)");
    expect(page).toContain("only 4.5 GB of qwen2.5-coder:7b&#39;s 6.0 GB are in GPU memory (25% on the CPU)");
    expect(page).toContain("<th scope=\"row\">0: NVIDIA GeForce RTX 4070</th><td class=\"num\">11,800 MiB (96%)</td>");
    expect(page).toContain("⚠ past 90% of memory: latency spikes");
    const data = (await (await fetch(`${url}/local-agent/models.json`)).json()) as { hosts: { state: { loaded: unknown[] } }[]; gpus: unknown[] };
    expect(data.hosts[0]?.state.loaded).toHaveLength(2);
    expect(data.gpus).toHaveLength(1);
    // A page view only looks: nothing was loaded or generated.
    expect(ollama.requestsTo("/api/generate")).toEqual([]);
    expect(ollama.requestsTo("/api/chat")).toEqual([]);
  });
});
