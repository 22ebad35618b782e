import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createModelBackend, ModelSpecError } from "../../src/model/create-model-backend.js";
import { createReplayBackend } from "../../src/model/create-replay-backend.js";
import { ModelError } from "../../src/model/model-error.js";
import { parseModelSpec } from "../../src/model/parse-model-spec.js";
import type { ModelBackend } from "../../src/model/types.js";
import { withTranscriptRecording } from "../../src/model/with-transcript-recording.js";

const dirs: string[] = [];
afterEach(async () => {
  while (dirs.length) await fs.rm(dirs.pop() ?? "", { recursive: true, force: true });
});
async function tmp(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "la-replay-"));
  dirs.push(dir);
  return dir;
}
const ask = (backend: ModelBackend) => backend.complete({ messages: [{ role: "user", content: "x" }], purpose: "agent" });

describe("replay backend", () => {
  it("returns the lines in order, with tool_calls and done_reason, then fails with 'replay exhausted'", async () => {
    const dir = await tmp();
    const file = path.join(dir, "t.jsonl");
    await fs.writeFile(
      file,
      [
        JSON.stringify({ content: "first", done_reason: "stop", prompt_eval_count: 12, eval_count: 3 }),
        "",
        JSON.stringify({ content: "", tool_calls: [{ function: { name: "read_file", arguments: { path: "a" } } }] }),
      ].join("\n"),
    );
    const backend = createReplayBackend({ file });
    expect((await backend.info()).backend).toBe("replay");
    expect(await ask(backend)).toMatchObject({ content: "first", doneReason: "stop", promptTokens: 12, completionTokens: 3 });
    expect((await ask(backend)).toolCalls).toEqual([{ function: { name: "read_file", arguments: { path: "a" } } }]);
    const error = await ask(backend).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).code).toBe("replay_exhausted");
    expect((error as ModelError).message).toContain("replay exhausted: ");
  });
  it("names the file and line of a bad transcript", async () => {
    const dir = await tmp();
    const file = path.join(dir, "bad.jsonl");
    await fs.writeFile(file, '{"content": "ok"}\n{"text": "no content"}\n');
    await expect(createReplayBackend({ file }).info()).rejects.toThrow(/bad\.jsonl line 2 is not a transcript line/);
    await expect(createReplayBackend({ file: path.join(dir, "missing.jsonl") }).info()).rejects.toThrow(/cannot read replay transcript .*missing\.jsonl \(ENOENT\)/);
  });
});

describe("transcript recording", () => {
  it("records every raw reply so that the session replays identically", async () => {
    const dir = await tmp();
    const file = path.join(dir, "rec", "t.jsonl");
    const replies = [
      { content: '{"tool":"run_tests","args":{}}', doneReason: "stop", promptTokens: 50, completionTokens: 9, latencyMs: 5 },
      { content: "", toolCalls: [{ function: { name: "finish", arguments: { summary: "s" } } }], latencyMs: 5 },
    ];
    let i = 0;
    const live: ModelBackend = {
      spec: "ollama:x",
      info: async () => ({ spec: "ollama:x", backend: "ollama", name: "x", quantization: null, contextLength: null, numCtx: null, backendVersion: null, warnings: [] }),
      complete: async () => replies[i++] ?? { content: "", latencyMs: 0 },
    };
    const recorded = withTranscriptRecording(live, { file });
    const first = await ask(recorded);
    const second = await recorded.complete({ messages: [], purpose: "summary" });
    const replay = createReplayBackend({ file });
    expect(await ask(replay)).toEqual({ ...first, latencyMs: 0 });
    expect(await ask(replay)).toEqual({ ...second, latencyMs: 0 });
    const lines = (await fs.readFile(file, "utf8")).trim().split("\n").map((l) => JSON.parse(l) as { purpose: string });
    expect(lines.map((l) => l.purpose)).toEqual(["agent", "summary"]);
  });
});

describe("model specs", () => {
  it("parses the four forms and explains a bad one", () => {
    expect(parseModelSpec("ollama:qwen2.5-coder:7b")).toEqual({ ok: true, spec: { backend: "ollama", tag: "qwen2.5-coder:7b" } });
    expect(parseModelSpec("llamacpp:http://127.0.0.1:8080/")).toEqual({ ok: true, spec: { backend: "llamacpp", url: "http://127.0.0.1:8080" } });
    expect(parseModelSpec("replay:t.jsonl")).toEqual({ ok: true, spec: { backend: "replay", file: "t.jsonl" } });
    expect(parseModelSpec("sim:granite-8b-q4")).toEqual({ ok: true, spec: { backend: "sim", profile: "granite-8b-q4" } });
    expect(parseModelSpec("openai:Qwen/Qwen2.5-Coder-7B-Instruct")).toEqual({ ok: true, spec: { backend: "openai", model: "Qwen/Qwen2.5-Coder-7B-Instruct" } });
    expect(parseModelSpec("openai:qwen coder").ok).toBe(false);
    const bad = parseModelSpec("gpt-4");
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message).toContain("ollama:<tag>");
    expect(parseModelSpec("llamacpp:ftp://x").ok).toBe(false);
  });
  it("refuses a bad OPENAI_BASE_URL for openai: as a usage error", () => {
    expect(() => createModelBackend({ spec: "openai:m", env: { OPENAI_BASE_URL: "127.0.0.1:1234/v1" }, cwd: "/", recordFile: null })).toThrow(ModelSpecError);
  });
  it("refuses sim outside the benchmark with a reason", () => {
    expect(() => createModelBackend({ spec: "sim:granite-8b-q4", env: {}, cwd: "/", recordFile: null })).toThrow(ModelSpecError);
    expect(() => createModelBackend({ spec: "sim:granite-8b-q4", env: {}, cwd: "/", recordFile: null })).toThrow(/local-agent bench/);
  });
});
