import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openJobStore } from "../../src/jobs/open-job-store.js";
import { main } from "../../src/cli/main.js";
import { captureCli } from "../helpers/capture-cli.js";
import { startFakeOllamaServer, type FakeOllamaServer } from "../helpers/fake-ollama-server.js";
import { startFakeOpenAiServer } from "../helpers/fake-openai-server.js";

let server: FakeOllamaServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

describe("local-agent doctor", () => {
  it("checks node, git, the sandbox and the model, and probes a constrained tool call", async () => {
    server = await startFakeOllamaServer({
      version: "0.12.9",
      models: [{ name: "qwen2.5-coder:7b", quantization: "Q3_K_M", contextLength: 32768 }],
      replies: [{ content: '{"thought":"read it","tool":"read_file","args":{"path":"README.md"}}' }, { content: "I would read the README." }],
    });
    const cli = captureCli({ env: { ...process.env, OLLAMA_HOST: server.url, LOCAL_AGENT_SANDBOX: "bwrap" } });
    const code = await main(["doctor", "--model", "ollama:qwen2.5-coder:7b", "--probe", "2"], cli.deps);
    const out = cli.out();
    expect(out).toMatch(/^ok {4}node +v\d+/m);
    expect(out).toMatch(/^ok {4}git +git version/m);
    expect(out).toMatch(/^ok {4}sandbox +bubblewrap works/m);
    expect(out).toMatch(/^ok {4}model +qwen2\.5-coder:7b, Q3_K_M, context 32768, num_ctx 32768, ollama 0\.12\.9/m);
    // A q3 quant is flagged, but it does not fail the check.
    expect(out).toMatch(/^warn {2}model +.*q5 is the realistic floor/im);
    expect(out).toMatch(/^ok {4}probe +1\/2 grammar-constrained replies were the expected valid call/m);
    expect(code).toBe(0);
    const chat = server.requestsTo("/api/chat")[0];
    expect(chat?.body.format).toMatchObject({ oneOf: expect.any(Array) });
  });

  it("shows whether an OpenAI-compatible server holds replies to the tool-call schema", async () => {
    const honours = await startFakeOpenAiServer({ flavor: "vllm", replies: [{ content: '{"thought":"read it","tool":"read_file","args":{"path":"README.md"}}' }] });
    try {
      const cli = captureCli({ env: { ...process.env, OPENAI_BASE_URL: honours.baseUrl, LOCAL_AGENT_SANDBOX: "off" } });
      expect(await main(["doctor", "--model", "openai:qwen2.5-coder-7b-instruct", "--probe", "1"], cli.deps)).toBe(0);
      expect(cli.out()).toMatch(/^ok {4}model +qwen2\.5-coder-7b-instruct, context 32768, num_ctx 32768, openai vLLM 0\.11\.0$/m);
      expect(cli.out()).toMatch(/^ok {4}constrain +response_format json_schema is honoured \(the probe reply matched the schema\)$/m);
      expect(cli.out()).toMatch(/^ok {4}probe +1\/1 grammar-constrained replies were the expected valid call/m);
      expect(honours.chats()[1]?.response_format).toMatchObject({ type: "json_schema" });
    } finally {
      await honours.close();
    }
    const ignores = await startFakeOpenAiServer({ responseFormat: "ignored", replies: [{ content: "Hello!" }, { content: "I would read the README." }] });
    try {
      const cli = captureCli({ env: { ...process.env, OPENAI_BASE_URL: ignores.baseUrl, LOCAL_AGENT_SANDBOX: "off" } });
      expect(await main(["doctor", "--model", "openai:qwen2.5-coder-7b-instruct", "--probe", "1"], cli.deps)).toBe(1);
      expect(cli.out()).toMatch(/^warn {2}constrain +the server accepts response_format json_schema but does not hold replies to it \(the probe reply was "Hello!"\): tool calls are not grammar-constrained; the repair and retry layers do the work$/m);
      expect(cli.out()).not.toMatch(/^warn {2}model +the server accepts response_format/m);
      expect(cli.out()).toMatch(/^FAIL {2}probe +0\/1 unconstrained replies were the expected valid call/m);
    } finally {
      await ignores.close();
    }
  });

  it("fails with the cause and the fix when the model server is down or no model is set", async () => {
    server = await startFakeOllamaServer();
    const url = server.url;
    await server.close();
    server = null;
    const cli = captureCli({ env: { ...process.env, OLLAMA_HOST: url } });
    expect(await main(["doctor", "--model", "ollama:qwen2.5-coder:7b"], cli.deps)).toBe(1);
    expect(cli.out()).toMatch(/^FAIL {2}model +cannot reach Ollama at .*OLLAMA_HOST/m);
    const none = captureCli({ env: { PATH: process.env.PATH } });
    expect(await main(["doctor"], none.deps)).toBe(1);
    expect(none.out()).toContain("no model given: pass --model ollama:<tag> or set LOCAL_AGENT_MODEL");
  });
  it("lists the app's jobs that wait on GitHub, with the last failure and the next attempt", async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "la-doctor-"));
    try {
      const store = openJobStore({ file: path.join(dataDir, "jobs.sqlite"), now: () => new Date("2026-03-01T10:00:00Z") });
      const inserted = store.insert({ deliveryId: "d-1", repo: "octo/sum", installationId: 1, target: "issue", number: 12, trigger: "label", actor: "alice" });
      if (!inserted.inserted) throw new Error("not inserted");
      store.insert({ deliveryId: "d-2", repo: "octo/sum", installationId: 1, target: "issue", number: 13, trigger: "label", actor: "alice" });
      const reason = "GET /repos/octo/sum/collaborators/alice/permission answered 502: Bad Gateway";
      store.noteGitHubWait(inserted.job.id, { stage: "intake", reason, retryAt: "2026-03-01T10:05:00.000Z" });
      store.noteGitHubWait(inserted.job.id, { stage: "intake", reason, retryAt: "2026-03-01T10:05:00.000Z" });
      store.close();
      const cli = captureCli({ env: { PATH: process.env.PATH, LOCAL_AGENT_DATA_DIR: dataDir } });
      await main(["doctor", "--probe", "0"], cli.deps);
      const out = cli.out();
      expect(out).toMatch(/^warn {2}queue +2 pending, 0 queued, 0 running; 1 waiting on GitHub/m);
      expect(out).toContain(`warn  queue       job 1 octo/sum#12: GitHub failed its intake 2 time(s) since 2026-03-01T10:00:00.000Z, next attempt 2026-03-01T10:05:00.000Z; last: ${reason}`);
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});
