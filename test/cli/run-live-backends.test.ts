import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { ReportSchema, type Report } from "../../src/report/report-schema.js";
import { captureCli } from "../helpers/capture-cli.js";
import { startFakeOllamaServer, type FakeOllamaServer } from "../helpers/fake-ollama-server.js";
import { startFakeOpenAiServer } from "../helpers/fake-openai-server.js";
import { makeGitRepo, SUM_ISSUE, SUM_REPO, writeTranscript, replyLine } from "../helpers/git-fixture.js";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});
async function scratch(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "la-live-"));
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}
async function repo() {
  const r = await makeGitRepo(SUM_REPO);
  cleanups.push(r.cleanup);
  return r.dir;
}
const readReport = async (file: string): Promise<Report> => ReportSchema.parse(JSON.parse(await fs.readFile(file, "utf8")));

describe("local-agent run against Ollama's real API (a local fake server)", () => {
  it("fixes the bug through /api/chat, records the raw replies, and the recording replays identically", async () => {
    const server: FakeOllamaServer = await startFakeOllamaServer({
      version: "0.12.9",
      models: [{ name: "qwen2.5-coder:7b", contextLength: 32768, quantization: "Q5_K_M" }],
      replies: [
        // A real small-model habit: the call in a fence, with prose around it.
        { content: 'I will read it.\n```json\n{"tool": "read_file", "args": {"path": "src/sum.js"}}\n```' },
        { content: '{"thought":"fix","tool":"edit_file","args":{"path":"src/sum.js","old_text":"return a - b;","new_text":"return a + b;"}}' },
        { content: '{"tool":"run_tests","args":{}}' },
        { toolCalls: [{ name: "finish", arguments: { summary: "sum adds now." } }] },
      ],
    });
    cleanups.push(server.close);
    const dir = await scratch();
    const repoDir = await repo();
    const cli = captureCli({ env: { ...process.env, OLLAMA_HOST: server.url } });
    const report = path.join(dir, "r.json");
    const code = await main(["run", "--repo", repoDir, "--issue-text", SUM_ISSUE, "--model", "ollama:qwen2.5-coder:7b", "--report", report, "--sandbox", "bwrap", "--quiet"], cli.deps);
    expect(cli.err()).toBe("");
    expect(code).toBe(0);
    const live = await readReport(report);
    expect(live.model).toMatchObject({ backend: "ollama", name: "qwen2.5-coder:7b", quantization: "Q5_K_M", context_length: 32768, num_ctx: 32768, backend_version: "0.12.9" });
    expect(live.sandbox.mode).toBe("bwrap");
    expect(live.turns[0]?.interventions).toEqual(["stripped_fence", "extracted_from_prose"]);
    // What every /api/chat request carried.
    const chats = server.requestsTo("/api/chat");
    expect(chats).toHaveLength(4);
    for (const chat of chats) {
      expect(chat.body).toMatchObject({ model: "qwen2.5-coder:7b", truncate: false, shift: false, options: { num_ctx: 32768, temperature: 0.3 } });
      expect(chat.body).not.toHaveProperty("tools");
      expect(chat.body.format).toMatchObject({ oneOf: expect.any(Array) });
    }
    // The raw replies were recorded beside the report, in the replay format.
    const transcript = path.join(dir, "r.transcript.jsonl");
    const lines = (await fs.readFile(transcript, "utf8")).trim().split("\n").map((l) => JSON.parse(l) as { content: string; tool_calls?: unknown });
    expect(lines).toHaveLength(4);
    expect(lines[0]?.content).toContain("```json");
    expect(lines[3]?.tool_calls).toEqual([{ function: { name: "finish", arguments: { summary: "sum adds now." } } }]);

    // Replaying the recording on a fresh checkout gives the same run.
    const again = path.join(dir, "replayed.json");
    const replayCli = captureCli();
    expect(await main(["run", "--repo", await repo(), "--issue-text", SUM_ISSUE, "--model", `replay:${transcript}`, "--report", again, "--quiet"], replayCli.deps)).toBe(0);
    const replayed = await readReport(again);
    const shape = (r: Report) => r.turns.map((t) => [t.tool, t.raw_valid, t.valid, t.interventions]);
    expect(shape(replayed)).toEqual(shape(live));
    expect(replayed.outcome).toBe("completed");
  });

  it("explains a model that is not pulled, naming the command", async () => {
    const server = await startFakeOllamaServer({ models: [{ name: "llama3.2:3b" }] });
    cleanups.push(server.close);
    const cli = captureCli({ env: { ...process.env, OLLAMA_HOST: server.url } });
    const code = await main(["run", "--repo", await repo(), "--issue-text", SUM_ISSUE, "--model", "ollama:qwen2.5-coder:7b", "--report", path.join(await scratch(), "r.json")], cli.deps);
    expect(code).toBe(1);
    expect(cli.err()).toContain("ollama pull qwen2.5-coder:7b");
    expect(cli.err()).not.toMatch(/\n\s+at /);
  });

  it("explains an Ollama that is not running, naming OLLAMA_HOST", async () => {
    const server = await startFakeOllamaServer();
    const url = server.url;
    await server.close();
    const cli = captureCli({ env: { ...process.env, OLLAMA_HOST: url } });
    const code = await main(["run", "--repo", await repo(), "--issue-text", SUM_ISSUE, "--model", "ollama:qwen2.5-coder:7b", "--report", path.join(await scratch(), "r.json")], cli.deps);
    expect(code).toBe(1);
    expect(cli.err()).toContain(`cannot reach Ollama at ${url}`);
    expect(cli.err()).toContain("OLLAMA_HOST");
  });
});

describe("local-agent run against an OpenAI-compatible server (a local fake)", () => {
  it("repairs a leaked Harmony call, records the raw replies, and the recording replays identically", async () => {
    // A server that accepts response_format but does not hold replies to it: the probe's answer is prose.
    const server = await startFakeOpenAiServer({
      flavor: "llama-server",
      responseFormat: "ignored",
      models: [{ id: "gpt-oss-20b-MXFP4", contextLength: 131072 }],
      replies: [
        { content: "Hello!" },
        { content: '<|channel|>analysis<|message|>Read the function first.<|end|><|start|>assistant<|channel|>commentary to=functions.read_file <|constrain|>json<|message|>{"path":"src/sum.js"}' },
        { content: '{"thought":"fix","tool":"edit_file","args":{"path":"src/sum.js","old_text":"return a - b;","new_text":"return a + b;"}}' },
        { content: '{"tool":"run_tests","args":{}}' },
        { toolCalls: [{ name: "finish", arguments: { summary: "sum adds now." } }] },
      ],
    });
    cleanups.push(server.close);
    const dir = await scratch();
    const report = path.join(dir, "r.json");
    const cli = captureCli({ env: { ...process.env, OPENAI_BASE_URL: server.baseUrl, OPENAI_API_KEY: "" } });
    const code = await main(["run", "--repo", await repo(), "--issue-text", SUM_ISSUE, "--model", "openai:gpt-oss-20b-MXFP4", "--report", report, "--sandbox", "bwrap", "--quiet"], cli.deps);
    expect(cli.err()).toContain("warning: the server accepts response_format json_schema but does not hold replies to it");
    expect(code).toBe(0);
    const live = await readReport(report);
    expect(live.model).toMatchObject({ backend: "openai", name: "gpt-oss-20b-MXFP4", quantization: "MXFP4", context_length: 131072, num_ctx: 32768, backend_version: "llama.cpp b6500-0123abcd" });
    expect(live.turns[0]).toMatchObject({ tool: "read_file", raw_valid: false, valid: true, interventions: ["extracted_from_prose"], note: expect.stringContaining("(reply family: gpt-oss Harmony)") });
    // The probe, then one streamed request per turn, none constrained.
    const [probe, ...turns] = server.chats();
    expect(probe).toMatchObject({ response_format: { type: "json_schema" }, stream: false });
    expect(turns).toHaveLength(4);
    for (const chat of turns) {
      expect(chat).toMatchObject({ model: "gpt-oss-20b-MXFP4", stream: true, stream_options: { include_usage: true }, temperature: 0.3, max_tokens: 2048 });
      expect(chat).not.toHaveProperty("response_format");
    }
    expect(server.requests.every((r) => r.authorization === null)).toBe(true);
    const transcript = path.join(dir, "r.transcript.jsonl");
    const lines = (await fs.readFile(transcript, "utf8")).trim().split("\n").map((l) => JSON.parse(l) as { content: string; tool_calls?: unknown; done_reason?: string });
    expect(lines).toHaveLength(4);
    expect(lines[0]?.content).toContain("to=functions.read_file");
    expect(lines[3]).toMatchObject({ content: "", tool_calls: [{ function: { name: "finish", arguments: { summary: "sum adds now." } } }], done_reason: "tool_calls" });

    const again = path.join(dir, "replayed.json");
    expect(await main(["run", "--repo", await repo(), "--issue-text", SUM_ISSUE, "--model", `replay:${transcript}`, "--report", again, "--quiet"], captureCli().deps)).toBe(0);
    const shape = (r: Report) => r.turns.map((t) => [t.tool, t.raw_valid, t.valid, t.interventions, t.note?.match(/reply family: .*\)/)?.[0] ?? null]);
    expect(shape(await readReport(again))).toEqual(shape(live));
  });

  it("sends the tool-call schema as response_format when the server holds replies to it, and explains a missing model", async () => {
    const server = await startFakeOpenAiServer({ replies: [{ content: '{"tool":"finish","args":{"summary":"x"}}' }] });
    cleanups.push(server.close);
    const env = { ...process.env, OPENAI_BASE_URL: server.baseUrl };
    await main(["run", "--repo", await repo(), "--issue-text", SUM_ISSUE, "--model", "openai:qwen2.5-coder-7b-instruct", "--report", path.join(await scratch(), "r.json"), "--sandbox", "off", "--test-cmd", "none", "--max-turns", "1", "--quiet"], captureCli({ env }).deps);
    expect(server.chats()[1]?.response_format).toMatchObject({ type: "json_schema", json_schema: { name: "tool_call", schema: { oneOf: expect.any(Array) } } });

    const missing = captureCli({ env });
    expect(await main(["run", "--repo", await repo(), "--issue-text", SUM_ISSUE, "--model", "openai:qwen2.5-coder-32b", "--report", path.join(await scratch(), "m.json")], missing.deps)).toBe(1);
    expect(missing.err()).toContain('does not serve the model "qwen2.5-coder-32b"');
    expect(missing.err()).toContain("--model openai:qwen2.5-coder-7b-instruct");
    expect(missing.err()).not.toMatch(/\n\s+at /);
  });
});

describe("the scaffolding rescues a sloppy model end to end (replay)", () => {
  it("fenced JSON, wrong argument names, a decoy edit and an early finish: completed, each intervention named", async () => {
    const dir = await scratch();
    const transcript = await writeTranscript(dir, [
      replyLine('Sure! Here is the call:\n```json\n{"thought": "read", "tool": "read_file", "args": {"file": "./src/sum.js"}}\n```'),
      replyLine({ tool: "edit_file", args: { path: "src/sums.js", old_text: "a - b", new_text: "a + b" } }),
      replyLine({ tool: "finish", args: { summary: "done" } }),
      replyLine({ name: "edit_file", arguments: { path: "src/sum.js", old_string: "return a - b;", new_string: "return a + b;" } }),
      replyLine({ tool: "run_tests", args: {} }),
      replyLine({ tool: "finish", args: { summary: "sum adds" } }),
    ]);
    const report = path.join(dir, "r.json");
    const repoDir = await repo();
    const code = await main(["run", "--repo", repoDir, "--issue-text", SUM_ISSUE, "--model", `replay:${transcript}`, "--report", report, "--quiet"], captureCli().deps);
    expect(code).toBe(0);
    const r = await readReport(report);
    expect(r.outcome).toBe("completed");
    expect(r.turns.map((t) => t.interventions)).toEqual([
      ["stripped_fence", "extracted_from_prose", "mapped_alias"],
      ["scope_blocked"],
      ["premature_stop_rejected"],
      ["mapped_alias"],
      [],
      [],
    ]);
    expect(r.turns.map((t) => t.failure_mode)).toEqual(["tool_call_hallucination", "wrong_file_edit", "premature_stop", "tool_call_hallucination", null, null]);
    expect(await fs.readFile(path.join(repoDir, "src/sums.js"), "utf8")).toContain("a - b");

    // The same replies without scaffolding: the run fails.
    const bare = path.join(dir, "bare.json");
    expect(await main(["run", "--repo", await repo(), "--issue-text", SUM_ISSUE, "--model", `replay:${transcript}`, "--report", bare, "--scaffold", "none", "--quiet"], captureCli().deps)).toBe(1);
    expect((await readReport(bare)).outcome).toBe("failed");
  });
});
