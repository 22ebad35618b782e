import fs from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTask, type LoadedTask } from "../../../src/bench/load-task.js";
import { materializeTask } from "../../../src/bench/materialize-task.js";
import { readAiderEnding } from "../../../src/bench/peers/aider-adapter.js";
import { installPeer } from "../../../src/bench/peers/install-peer.js";
import { readMiniEnding } from "../../../src/bench/peers/mini-swe-agent-adapter.js";
import type { PeerAdapter } from "../../../src/bench/peers/peer-adapter.js";
import { PEER_PACKAGES } from "../../../src/bench/peers/peer-catalog.js";
import { renderSideBySide } from "../../../src/bench/peers/render-side-by-side.js";
import { resolvePeerTarget } from "../../../src/bench/peers/resolve-peer-target.js";
import { runPeerTask } from "../../../src/bench/peers/run-peer-task.js";
import { type CountingProxy, promptTokensOf, startCountingProxy } from "../../../src/bench/peers/start-counting-proxy.js";
import { main } from "../../../src/cli/main.js";
import { createPlainRunner } from "../../../src/workspace/plain-runner.js";
import { captureCli } from "../../helpers/capture-cli.js";

const TASKS = fileURLToPath(new URL("../../../bench/tasks/", import.meta.url));
const FAKE_PEER = fileURLToPath(new URL("./fake-peer.mjs", import.meta.url));

/** A fake OpenAI-compatible (and Ollama) server on loopback: counts what reached it. */
async function startFakeServer(reply: string) {
  const seen: { method: string; url: string; body: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", body });
      if (req.url === "/v1/chat/completions" && body.includes('"stream":true')) {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.end(`data: {"choices":[{"delta":{"content":"hi"}}]}\n\ndata: {"choices":[],"usage":{"prompt_tokens":77,"completion_tokens":1}}\n\ndata: [DONE]\n\n`);
      } else if (req.url === "/v1/chat/completions") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ choices: [{ message: { role: "assistant", content: reply } }], usage: { prompt_tokens: 120, completion_tokens: 9 } }));
      } else if (req.url === "/completion") {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.end(`data: {"content":"a","stop":false}\n\ndata: {"content":"","stop":true,"tokens_evaluated":31}\n\n`);
      } else if (req.url === "/api/chat") {
        res.writeHead(200, { "content-type": "application/x-ndjson" });
        res.end(`{"message":{"content":"a"},"done":false}\n{"message":{"content":""},"done":true,"prompt_eval_count":55}\n`);
      } else {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ data: [{ id: "m" }] }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return { url: `http://127.0.0.1:${address.port}`, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

let tmp: string;
let fake: Awaited<ReturnType<typeof startFakeServer>>;
let proxy: CountingProxy;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "peers-"));
  fake = await startFakeServer("PKGCACHE_DIR wins over XDG_CACHE_HOME; the default is ~/.cache/pkgcache");
  proxy = await startCountingProxy({ target: fake.url });
});
afterAll(async () => {
  await proxy.close();
  await fake.close();
  await fs.rm(tmp, { recursive: true, force: true });
});

describe("startCountingProxy", () => {
  it("forwards requests unchanged and counts completion calls with the server's prompt tokens", async () => {
    proxy.take();
    const post = (url: string, body: object) => fetch(`${proxy.url}${url}`, { method: "POST", body: JSON.stringify(body) }).then((res) => res.text());
    const json = JSON.parse(await post("/v1/chat/completions", { model: "m", messages: [] }));
    expect(json.usage.prompt_tokens).toBe(120);
    expect(await post("/v1/chat/completions", { stream: true })).toContain("[DONE]");
    expect(await post("/api/chat", { model: "m" })).toContain("prompt_eval_count");
    expect(await post("/completion", { prompt: "p", stream: true })).toContain("tokens_evaluated");
    expect(await fetch(`${proxy.url}/v1/models`).then((res) => res.json())).toEqual({ data: [{ id: "m" }] });
    expect(proxy.take()).toEqual({ calls: 4, promptTokens: 120 + 77 + 55 + 31, uncounted: 0 });
    expect(proxy.take()).toEqual({ calls: 0, promptTokens: 0, uncounted: 0 });
    expect(fake.seen.at(-1)).toMatchObject({ method: "GET", url: "/v1/models" });
    expect(fake.seen.at(-5)?.body).toBe(JSON.stringify({ model: "m", messages: [] }));
  });
  it("answers 502 with the server named when the server is down", async () => {
    const dead = await startCountingProxy({ target: "http://127.0.0.1:1" });
    const res = await fetch(`${dead.url}/v1/chat/completions`, { method: "POST", body: "{}" });
    expect(res.status).toBe(502);
    expect(await res.text()).toMatch(/127\.0\.0\.1:1 unreachable/);
    await dead.close();
  });
  it("reads prompt tokens from JSON, SSE and NDJSON replies, and null when there are none", () => {
    expect(promptTokensOf('{"usage":{"prompt_tokens":5}}')).toBe(5);
    expect(promptTokensOf('data: {"choices":[]}\n\ndata: {"usage":{"prompt_tokens":9}}\n\ndata: [DONE]')).toBe(9);
    expect(promptTokensOf('{"done":false}\n{"done":true,"prompt_eval_count":4}')).toBe(4);
    expect(promptTokensOf('data: {"content":"a","stop":false}\n\ndata: {"content":"","stop":true,"tokens_evaluated":31}\n\n')).toBe(31);
    expect(promptTokensOf('{"choices":[]}')).toBeNull();
    expect(promptTokensOf("not json")).toBeNull();
  });
});

describe("runPeerTask (a stand-in peer against the fake server)", () => {
  let change: LoadedTask;
  let question: LoadedTask;
  const templates = new Map<string, string>();
  beforeAll(async () => {
    change = await loadTask(path.join(TASKS, "py-duration-regex"));
    question = await loadTask(path.join(TASKS, "py-question-cache-location"));
    const into = await fs.mkdtemp(path.join(tmp, "templates-"));
    for (const task of [change, question]) templates.set(task.id, await materializeTask({ task, into }));
  });
  const adapter = (mode: string): PeerAdapter => ({
    ownFiles: /^\.fake/,
    prepare: async (settings) => ({ args: [FAKE_PEER], env: { OPENAI_BASE: settings.openaiBase, FAKE_MODE: mode, FAKE_MODEL: settings.model } }),
    readEnding: async ({ output, timedOut }) => ({ ending: timedOut ? "timeout" : "finished", answer: output, detail: "fake" }),
    describe: () => "fake",
  });
  const run = (task: LoadedTask, mode: string, timeoutMs = 60_000, logDir?: string) =>
    runPeerTask({
      adapter: adapter(mode),
      bin: process.execPath,
      task,
      template: templates.get(task.id) ?? "",
      workDir: tmp,
      proxy,
      model: "m",
      limits: { maxSteps: 15, timeoutMs, temperature: 0.3 },
      runner: createPlainRunner(),
      env: process.env,
      now: () => Date.now(),
      logDir,
    });

  it("completes a change task when the tests pass in its checkout, counting the calls it made", async () => {
    const outcome = await run(change, "fix");
    expect(outcome).toMatchObject({ completed: true, failure: null, calls: 2, promptTokens: 240, filesChanged: ["timeparse/duration.py"] });
  });
  it("fails a run whose tests fail, one that edits a file the task does not allow, and one that changes nothing", async () => {
    expect(await run(change, "break")).toMatchObject({ completed: false, failure: "tests_fail" });
    expect(await run(change, "decoy")).toMatchObject({ completed: false, failure: "wrong_file", filesChanged: ["README.md"] });
    expect(await run(change, "none")).toMatchObject({ completed: false, failure: "gave_up", filesChanged: [] });
  });
  it("scores a question task by the expected answer patterns", async () => {
    expect(await run(question, "none")).toMatchObject({ completed: true, failure: null, calls: 2 });
  });
  it("kills a peer at the time limit and says so", async () => {
    expect(await run(change, "hang", 1500)).toMatchObject({ completed: false, ending: "timeout", failure: "timeout" });
  });
  it("keeps the peer's console output when asked to", async () => {
    const logDir = await fs.mkdtemp(path.join(tmp, "logs-"));
    await run(question, "none", 60_000, logDir);
    expect(await fs.readFile(path.join(logDir, question.id, "console.log"), "utf8")).toMatch(/PKGCACHE_DIR/);
  });
  it("starts every run from a fresh checkout", async () => {
    await run(change, "decoy");
    expect(await run(change, "none")).toMatchObject({ filesChanged: [] });
  });
});

describe("the peers' own logs", () => {
  const traj = (status: string, submission = "") => JSON.stringify({ info: { exit_status: status, submission }, messages: [{ role: "assistant", content: "last words" }] });
  it("reads mini-swe-agent's exit status off its trajectory", () => {
    const read = (trajectory: string | null, timedOut = false) => readMiniEnding({ trajectory, timedOut, exitCode: 0, output: "boom" }).ending;
    expect(read(traj("Submitted"))).toBe("finished");
    expect(read(traj("LimitsExceeded"))).toBe("step_limit");
    expect(read(traj("RepeatedFormatError"))).toBe("format_error");
    expect(read(traj("TimeExceeded"))).toBe("timeout");
    expect(read(traj("APIConnectionError"))).toBe("crashed");
    expect(read(null)).toBe("crashed");
    expect(read("{not json")).toBe("crashed");
    expect(read(traj("Submitted"), true)).toBe("timeout");
    expect(readMiniEnding({ trajectory: traj("Submitted", "the answer\n"), timedOut: false, exitCode: 0, output: "" }).answer).toBe("the answer");
    expect(readMiniEnding({ trajectory: traj("LimitsExceeded"), timedOut: false, exitCode: 0, output: "" }).answer).toBe("last words");
  });
  it("reads aider's ending off its console and chat history", () => {
    const read = (output: string, kind: "change" | "question" = "change", exitCode = 0) => readAiderEnding({ settings: { kind }, exitCode, timedOut: false, output, chat: "" }).ending;
    expect(read("Applied edit to timeparse/duration.py")).toBe("finished");
    expect(read("The LLM did not conform to the edit format.")).toBe("format_error");
    expect(read("Applied edit to a.py\nOnly 3 reflections allowed, stopping.")).toBe("step_limit");
    expect(read("nothing to do")).toBe("gave_up");
    expect(read("Traceback (most recent call last):", "change", 1)).toBe("crashed");
    expect(read("an answer", "question")).toBe("finished");
    const chat = "# aider chat started at 2026\n#### where is the cache?\n> Add file to the chat? y\nIn ~/.cache/pkgcache\n";
    expect(readAiderEnding({ settings: { kind: "question" }, exitCode: 0, timedOut: false, output: "", chat }).answer).toBe("In ~/.cache/pkgcache");
  });
});

describe("installPeer", () => {
  it("reuses a finished install of the pinned version without running python", async () => {
    const cacheDir = await fs.mkdtemp(path.join(tmp, "cache-"));
    const peer = PEER_PACKAGES.aider;
    const dir = path.join(cacheDir, `${peer.pypi}-${peer.version}`);
    await fs.mkdir(path.join(dir, "venv", "bin"), { recursive: true });
    await fs.writeFile(path.join(dir, "venv", "bin", peer.bin), "");
    await fs.writeFile(path.join(dir, "installed.json"), JSON.stringify({ pypi: peer.pypi, version: peer.version, install_ms: 273000, installed_at: "2026-12-02T12:50:00.000Z" }));
    const installed = await installPeer({ peer, cacheDir, python: "/nonexistent/python3.11", now: () => 0 });
    expect(installed).toMatchObject({ reused: true, installMs: 273000, bin: path.join(dir, "venv", "bin", "aider") });
  });
  it("says what it needs when python is missing", async () => {
    const cacheDir = await fs.mkdtemp(path.join(tmp, "cache-"));
    await expect(installPeer({ peer: PEER_PACKAGES["mini-swe-agent"], cacheDir, python: "/nonexistent/python3.11", now: () => 0 })).rejects.toThrow(
      /installing mini-swe-agent==2\.4\.6 .*needs \/nonexistent\/python3\.11 with venv and pip/s,
    );
  });
});

describe("bench --peer", () => {
  it("refuses an unknown peer, several models, and a simulated model, with the fix", async () => {
    const cli = captureCli();
    expect(await main(["bench", "--model", "ollama:m", "--peer", "cursor"], cli.deps)).toBe(2);
    expect(cli.err()).toMatch(/unknown peer "cursor"; the peers are: mini-swe-agent, aider/);
    const two = captureCli();
    expect(await main(["bench", "--model", "ollama:a", "--model", "ollama:b", "--peer", "aider"], two.deps)).toBe(2);
    expect(two.err()).toMatch(/exactly one --model/);
    const sim = captureCli();
    expect(await main(["bench", "--model", "sim:granite-8b-q4", "--peer", "aider"], sim.deps)).toBe(2);
    expect(sim.err()).toMatch(/ollama:<tag> or llamacpp:<url>/);
  });
  it("points peers at the same server as our row, and our row at the proxy", () => {
    const llama = resolvePeerTarget("llamacpp:http://127.0.0.1:8080", {});
    expect(llama.ok && llama.target.serverUrl).toBe("http://127.0.0.1:8080");
    expect(llama.ok && llama.target.proxied("http://127.0.0.1:9", {}).spec).toBe("llamacpp:http://127.0.0.1:9");
    const ollama = resolvePeerTarget("ollama:qwen2.5-coder:1.5b", { OLLAMA_HOST: "127.0.0.1:11500" });
    expect(ollama.ok && ollama.target).toMatchObject({ serverUrl: "http://127.0.0.1:11500", model: "qwen2.5-coder:1.5b" });
    expect(ollama.ok && ollama.target.proxied("http://127.0.0.1:9", {}).env.OLLAMA_HOST).toBe("http://127.0.0.1:9");
  });
});

describe("renderSideBySide", () => {
  it("has a row entry for a task a peer could not run, and per-task means over the runs it made", () => {
    const md = renderSideBySide({
      model: "llamacpp:x",
      date: "2026-12-02",
      command: "local-agent bench",
      notes: [],
      rows: [
        { harness: "a", version: "1", settings: "s", runs: [
          { task: "t1", completed: true, failure: null, calls: 4, promptTokens: 1000, wallMs: 10_000, detail: "ok" },
          { task: "t2", completed: false, failure: "step_limit", calls: 2, promptTokens: 3000, wallMs: 30_000, detail: "x | y" },
        ] },
        { harness: "b", version: "2", settings: "s", runs: [{ task: "t1", completed: false, failure: "not_run", calls: null, promptTokens: null, wallMs: null, detail: "install failed" }] },
      ],
    });
    expect(md).toContain("| a | 1 | 1/2 | 3.0 | 20 | 2,000 | step_limit ×1 |");
    expect(md).toContain("| b | 2 | 0/1 | – | – | – | not_run ×1 |");
    expect(md).toContain("| t1 | b | failed: not_run | – | – | – | install failed |");
    expect(md).toContain("x \\| y");
  });
});
