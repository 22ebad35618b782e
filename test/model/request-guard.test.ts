import { runInNewContext } from "node:vm";
import { setFlagsFromString } from "node:v8";
import { Agent, fetch as undiciFetch } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { createLlamaCppBackend } from "../../src/model/create-llamacpp-backend.js";
import { createOllamaBackend } from "../../src/model/create-ollama-backend.js";
import { createOpenAiBackend } from "../../src/model/create-openai-backend.js";
import { ModelError, isTransientModelError } from "../../src/model/model-error.js";
import { DEFAULT_MODEL_REQUEST_LIMITS, type ModelRequestLimits } from "../../src/model/model-request-limits.js";
import type { ModelRequest } from "../../src/model/types.js";
import { startFakeLlamaServer, type FakeLlamaServer } from "../helpers/fake-llama-server.js";
import { startFakeOllamaServer, type FakeOllamaServer, type FakeOllamaServerOptions } from "../helpers/fake-ollama-server.js";
import { startFakeOpenAiServer, type FakeOpenAiServer } from "../helpers/fake-openai-server.js";

/**
 * Attacks from issue 11: model servers that accept a request and then stall (send nothing,
 * stream only empty chunks, stop mid-reply) or flood (a reply that never ends). Real servers
 * on loopback speaking Ollama's and llama-server's protocols; every limit here is small so the
 * attacks end in well under a second, and no assertion depends on timing.
 */

const MODEL = "qwen2.5-coder:7b";
const REQUEST: ModelRequest = { messages: [{ role: "user", content: "Fix the bug." }], purpose: "agent", maxTokens: 2048 };
const LONG: ModelRequestLimits = { requestMs: 60_000, idleMs: 60_000, maxReplyChars: DEFAULT_MODEL_REQUEST_LIMITS.maxReplyChars };

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function ollama(options: FakeOllamaServerOptions): Promise<FakeOllamaServer> {
  const server = await startFakeOllamaServer(options);
  closers.push(server.close);
  return server;
}

async function llama(): Promise<FakeLlamaServer> {
  const server = await startFakeLlamaServer();
  closers.push(server.close);
  return server;
}

async function modelError(promise: Promise<unknown>): Promise<ModelError> {
  const error = await promise.then(
    () => new Error("expected the call to fail"),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ModelError);
  return error as ModelError;
}

describe("a stalled Ollama ends the request, with what it did and what to check", () => {
  it("accepts /api/chat and sends nothing: stopped when the run's time runs out, not retried, connection closed", async () => {
    const server = await ollama({ replies: [{ hang: true }] });
    const backend = createOllamaBackend({ model: MODEL, host: server.url, limits: LONG });
    const error = await modelError(backend.complete({ ...REQUEST, timeLeftMs: 300 }));
    expect(error.code).toBe("deadline");
    expect(isTransientModelError(error)).toBe(false);
    expect(error.message).toMatch(new RegExp(`^Ollama at ${server.url} accepted the request and sent nothing for [\\d.]+ s; .*the run's time limit ran out$`));
    expect(error.hint).toContain("OLLAMA_HOST");
    expect(error.hint).toContain("OLLAMA_NUM_PARALLEL");
    expect(error.hint).toContain("log");
    await expect.poll(() => server.requestsTo("/api/chat")[0]?.clientDisconnected).toBe(true);
  });

  it("the per-request limit applies when it is the smaller one", async () => {
    const server = await ollama({ replies: [{ hang: true }] });
    const backend = createOllamaBackend({ model: MODEL, host: server.url, limits: { ...LONG, requestMs: 250 } });
    const error = await modelError(backend.complete({ ...REQUEST, timeLeftMs: 60_000 }));
    expect(error.code).toBe("deadline");
    expect(error.message).toContain("the per-request limit is 0.3 s");
    expect(error.hint).toContain("--model-timeout");
  });

  it("streams an empty chunk every 20 ms and never finishes: stopped by the idle limit", async () => {
    const server = await ollama({ replies: [{ emptyChunksEveryMs: 20 }] });
    const backend = createOllamaBackend({ model: MODEL, host: server.url, limits: { ...LONG, idleMs: 300 } });
    const error = await modelError(backend.complete(REQUEST));
    expect(error.code).toBe("stalled");
    expect(error.message).toBe(`Ollama at ${server.url} streamed only empty chunks for 0.3 s; the request was stopped (the idle limit)`);
    expect(error.hint).toContain("OLLAMA_NUM_PARALLEL");
    await expect.poll(() => server.requestsTo("/api/chat")[0]?.clientDisconnected).toBe(true);
  });

  it("empty chunks count as no progress even after real text; the run's time bounds them when it is shorter", async () => {
    const server = await ollama({ replies: [{ emptyChunksEveryMs: 20, partialContent: '{"tool":' }] });
    const backend = createOllamaBackend({ model: MODEL, host: server.url, limits: LONG });
    const error = await modelError(backend.complete({ ...REQUEST, timeLeftMs: 300 }));
    expect(error.code).toBe("deadline");
    expect(error.message).toMatch(/^Ollama at \S+ sent 8 characters, then only empty chunks for [\d.]+ s; the request was stopped: the run's time limit ran out$/);
  });

  it("a server that streams steadily but too slowly is told apart from a stalled one", async () => {
    const server = await ollama({ replies: [{ content: "z".repeat(2000), chunkSize: 1, chunkDelayMs: 2 }] });
    const backend = createOllamaBackend({ model: MODEL, host: server.url, limits: { ...LONG, requestMs: 1000 } });
    const error = await modelError(backend.complete(REQUEST));
    expect(error.code).toBe("deadline");
    expect(error.message).toMatch(/^Ollama at \S+ was still sending its reply after [\d.]+ s \(\d+ characters so far\) and was stopped: the per-request limit is 1 s$/);
    expect(error.hint).toContain("too slowly");
  });

  it("sends part of a reply and then nothing: stopped by the idle limit, saying how much came", async () => {
    const server = await ollama({ replies: [{ hang: true, partialContent: '{"tool":"read' }] });
    const backend = createOllamaBackend({ model: MODEL, host: server.url, limits: { ...LONG, idleMs: 200 } });
    const error = await modelError(backend.complete(REQUEST));
    expect(error.code).toBe("stalled");
    expect(error.message).toBe(`Ollama at ${server.url} sent 13 characters, then nothing for 0.2 s; the request was stopped (the idle limit)`);
  });

  it("model information that never comes is bounded by the idle limit too", async () => {
    const server = await ollama({});
    const backend = createOllamaBackend({ model: MODEL, host: server.url, limits: { ...LONG, idleMs: 200 } });
    const silent: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal?.reason), { once: true }));
    const error = await modelError(createOllamaBackend({ model: MODEL, host: server.url, fetch: silent, limits: { ...LONG, idleMs: 200 } }).info());
    expect(error.code).toBe("deadline");
    expect(error.message).toContain("model information must come within the idle limit");
    expect((await backend.info()).name).toBe(MODEL);
  });

  it("a fetch with its own header timeout (Node's is 300 s; 0.2 s here) ends the request instead of being retried", async () => {
    const server = await ollama({ replies: [{ hang: true }] });
    const dispatcher = new Agent({ headersTimeout: 200 });
    closers.push(() => dispatcher.close());
    const nodeLike: typeof fetch = async (input, init) => {
      const response = await undiciFetch(String(input), { method: init?.method, body: typeof init?.body === "string" ? init.body : undefined, signal: init?.signal ?? undefined, dispatcher });
      return new Response(response.body, { status: response.status, headers: Object.fromEntries(response.headers) });
    };
    const backend = createOllamaBackend({ model: MODEL, host: server.url, fetch: nodeLike, limits: LONG });
    const error = await modelError(backend.complete(REQUEST));
    expect(error.code).toBe("deadline");
    expect(isTransientModelError(error)).toBe(false);
  });
});

describe("a stalled llama-server ends the request the same way", () => {
  it("accepts /completion and sends nothing (not streamed)", async () => {
    const server = await llama();
    server.reply({ hang: true });
    const backend = createLlamaCppBackend({ url: server.url, stream: false, limits: LONG });
    const error = await modelError(backend.complete({ ...REQUEST, timeLeftMs: 300 }));
    expect(error.code).toBe("deadline");
    expect(error.message).toMatch(new RegExp(`^llama-server at ${server.url} accepted the request and sent nothing for [\\d.]+ s`));
    expect(error.hint).toContain("--parallel");
    expect(error.hint).toContain("llama-server log");
    await expect.poll(() => server.disconnects).toBe(1);
  });

  it("streams only empty messages: stopped by the idle limit", async () => {
    const server = await llama();
    server.reply({ emptyChunksEveryMs: 20 });
    const backend = createLlamaCppBackend({ url: server.url, limits: { ...LONG, idleMs: 300 } });
    const error = await modelError(backend.complete(REQUEST));
    expect(error.code).toBe("stalled");
    expect(error.message).toBe(`llama-server at ${server.url} streamed only empty chunks for 0.3 s; the request was stopped (the idle limit)`);
    await expect.poll(() => server.disconnects).toBe(1);
  });
});

async function openai(): Promise<FakeOpenAiServer> {
  const server = await startFakeOpenAiServer();
  closers.push(server.close);
  return server;
}

describe("a stalled OpenAI-compatible server ends the request the same way", () => {
  it("accepts /chat/completions and sends nothing: stopped when the run's time runs out, connection closed", async () => {
    const server = await openai();
    const backend = createOpenAiBackend({ model: "qwen2.5-coder-7b-instruct", baseUrl: server.baseUrl, probe: false, stream: false, limits: LONG });
    await backend.info();
    server.reply({ hang: true });
    const error = await modelError(backend.complete({ ...REQUEST, timeLeftMs: 300 }));
    expect(error.code).toBe("deadline");
    expect(error.message).toMatch(new RegExp(`^the OpenAI-compatible server at ${server.baseUrl} accepted the request and sent nothing for [\\d.]+ s`));
    expect(error.hint).toContain("OPENAI_BASE_URL");
    await expect.poll(() => server.disconnects).toBe(1);
  });

  it("starts a stream and then goes quiet: stopped by the idle limit", async () => {
    const server = await openai();
    const backend = createOpenAiBackend({ model: "qwen2.5-coder-7b-instruct", baseUrl: server.baseUrl, probe: false, limits: { ...LONG, idleMs: 300 } });
    await backend.info();
    server.reply({ content: '{"tool":', hang: true });
    const error = await modelError(backend.complete(REQUEST));
    expect(error.code).toBe("stalled");
    expect(isTransientModelError(error)).toBe(false);
    await expect.poll(() => server.disconnects).toBe(1);
  });

  it("a reply longer than the cap is stopped as too long", async () => {
    const server = await openai();
    const backend = createOpenAiBackend({ model: "qwen2.5-coder-7b-instruct", baseUrl: server.baseUrl, probe: false, limits: { ...LONG, maxReplyChars: 1000 } });
    await backend.info();
    server.reply({ content: "x".repeat(20_000) });
    const error = await modelError(backend.complete({ ...REQUEST, maxTokens: 100_000 }));
    expect(error.code).toBe("reply_too_long");
  });
});

/** `gc()` for heap measurements (measure memory, never time). */
function collectGarbage(): () => void {
  setFlagsFromString("--expose-gc");
  const gc: unknown = runInNewContext("gc");
  if (typeof gc !== "function") throw new Error("gc is not available");
  return () => gc();
}

describe("replies are capped, and memory stays flat", () => {
  const TEN_MB = 10 * 1024 * 1024;

  it("a 10 MB streamed Ollama reply is cut at the cap, the request aborted, the reason 'too long', the heap unchanged", async () => {
    const gc = collectGarbage();
    const server = await ollama({ replies: [{ flood: { chars: TEN_MB, chunkSize: 4096 } }] });
    const backend = createOllamaBackend({ model: MODEL, host: server.url, limits: LONG });
    await backend.info();
    gc();
    const before = process.memoryUsage().heapUsed;
    const outcome = await backend.complete(REQUEST).then(
      (reply) => reply,
      (error: unknown) => error,
    );
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    expect(outcome).toBeInstanceOf(ModelError);
    const error = outcome as ModelError;
    expect(error.code).toBe("reply_too_long");
    expect(error.message).toBe(`the reply from Ollama at ${server.url} was too long: more than ${LONG.maxReplyChars} characters, so the request was stopped`);
    await expect.poll(() => server.requestsTo("/api/chat")[0]?.clientDisconnected).toBe(true);
    // It stopped reading near the cap: the server never got to the end (socket buffers hold a few MB).
    expect(server.requestsTo("/api/chat")[0]?.charsSent ?? 0).toBeLessThan(TEN_MB);
    // Read whole, the reply alone would hold 10 MB of heap (the unguarded backend kept 258 MB).
    expect(grown).toBeLessThan(10 * LONG.maxReplyChars);
  });

  it("64 MB in one NDJSON line (no text reaches the backend until the newline) is cut at the byte cap", async () => {
    const gc = collectGarbage();
    // Larger than the 10 MB above: the byte cap is a few MB and loopback socket buffers hold a few more.
    const server = await ollama({ replies: [{ flood: { chars: 64 * 1024 * 1024, chunkSize: 4096, oneLine: true } }] });
    const backend = createOllamaBackend({ model: MODEL, host: server.url, limits: LONG });
    await backend.info();
    gc();
    const before = process.memoryUsage().heapUsed;
    const error = await modelError(backend.complete(REQUEST));
    gc();
    expect(error.code).toBe("reply_too_long");
    expect(error.message).toMatch(/was too long: more than \d+ bytes in one response/);
    expect(server.requestsTo("/api/chat")[0]?.charsSent ?? 0).toBeLessThan(32 * 1024 * 1024);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(10 * LONG.maxReplyChars);
  });

  it("a llama-server that ignores n_predict is cut at the token cap", async () => {
    const server = await llama();
    server.reply({ flood: { chars: TEN_MB, chunkSize: 4 } });
    const backend = createLlamaCppBackend({ url: server.url, limits: LONG });
    const error = await modelError(backend.complete({ ...REQUEST, maxTokens: 100 }));
    expect(error.code).toBe("reply_too_long");
    expect(error.message).toContain("was too long: more than 164 tokens (it was asked for at most 100)");
    await expect.poll(() => server.disconnects).toBe(1);
    expect(server.floodCharsSent).toBeLessThan(TEN_MB);
  });

  it("a whole (not streamed) reply over the cap is refused as too long, not as a context overflow", async () => {
    const server = await ollama({ replies: [{ content: "y".repeat(300_000) }] });
    const backend = createOllamaBackend({ model: MODEL, host: server.url, stream: false, limits: { ...LONG, maxReplyChars: 100_000 } });
    const error = await modelError(backend.complete({ ...REQUEST, maxTokens: undefined }));
    expect(error.code).toBe("reply_too_long");
    expect(error.message).toContain("was too long");
  });
});
