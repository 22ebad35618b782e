import { createServer } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CHANGE_TOOLS, toolCallJsonSchema } from "../../src/protocol/tool-schemas.js";
import { createOpenAiBackend, type CreateOpenAiBackendParams } from "../../src/model/create-openai-backend.js";
import { ModelError } from "../../src/model/model-error.js";
import type { ChatMessage, ModelRequest } from "../../src/model/types.js";
import { startFakeOpenAiServer, type FakeOpenAiOptions, type FakeOpenAiServer } from "../helpers/fake-openai-server.js";
import { listenOnLoopback } from "../helpers/listen-on-loopback.js";
import { describeOpenAiBackendContract } from "../helpers/openai-backend-contract.js";

const MODEL = "qwen2.5-coder-7b-instruct";
const CONSTRAINT = { jsonSchema: toolCallJsonSchema(CHANGE_TOOLS) };
const MESSAGES: ChatMessage[] = [
  { role: "system", content: "You are a coding agent." },
  { role: "user", content: "Fix sum." },
  { role: "assistant", content: '{"tool":"read_file","args":{"path":"src/sum.js"}}' },
  { role: "tool", toolName: "read_file", content: "1  export function sum(a, b) {" },
];
const ask = (extra: Partial<ModelRequest> = {}): ModelRequest => ({ purpose: "agent", messages: MESSAGES, ...extra });

const servers: FakeOpenAiServer[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()?.close();
});
async function fake(options: FakeOpenAiOptions = {}) {
  const server = await startFakeOpenAiServer(options);
  servers.push(server);
  return server;
}
const backendFor = (server: FakeOpenAiServer, params: Partial<CreateOpenAiBackendParams> = {}) => createOpenAiBackend({ model: MODEL, baseUrl: server.baseUrl, ...params });
async function failure(promise: Promise<unknown>): Promise<ModelError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  if (!(error instanceof ModelError)) throw new Error(`expected a ModelError, got ${String(error)}`);
  return error;
}

// The contract runs against the fake here; the real-model project runs it against LLAMA_SERVER_URL.
let contractServer: FakeOpenAiServer;
beforeAll(async () => {
  contractServer = await startFakeOpenAiServer({ flavor: "llama-server", singleModel: true, models: [{ id: "Qwen2.5-Coder-0.5B-Instruct-Q4_K_M" }] });
});
afterAll(() => contractServer.close());
describeOpenAiBackendContract("fake llama-server /v1", () => ({ baseUrl: contractServer.baseUrl, model: "default", slowNextReply: () => contractServer.reply({ hang: true }) }));
// The same assertions against a real llama-server, when one is given (`npm run real-models -- start` prints the line).
const realServer = process.env.LLAMA_SERVER_URL?.replace(/\/+$/, "");
if (realServer) describeOpenAiBackendContract(`llama-server at ${realServer}/v1`, () => ({ baseUrl: `${realServer}/v1`, model: "default" }));

describe("openai: requests", () => {
  it("streams each chat request with the model, the template-safe messages, sampling, max_tokens and usage, and the schema once the probe passed", async () => {
    const server = await fake({ replies: [{ content: '{"thought":"check","tool":"run_tests","args":{}}' }] });
    const backend = backendFor(server);
    const reply = await backend.complete(ask({ constraint: CONSTRAINT, temperature: 0.6, seed: 7, maxTokens: 300 }));
    expect(reply).toMatchObject({ content: '{"thought":"check","tool":"run_tests","args":{}}', doneReason: "stop", promptTokens: expect.any(Number), completionTokens: expect.any(Number) });
    const [probe, chat] = server.chats();
    expect(probe).toMatchObject({ model: MODEL, stream: false, max_tokens: 64, response_format: { type: "json_schema", json_schema: { name: "local_agent_probe" } } });
    expect(chat).toEqual({
      model: MODEL,
      messages: [
        { role: "system", content: "You are a coding agent." },
        { role: "user", content: "Fix sum." },
        { role: "assistant", content: '{"tool":"read_file","args":{"path":"src/sum.js"}}' },
        // No native tool calls were sent, so a tool result goes back as the user's turn.
        { role: "user", content: "Result of read_file:\n1  export function sum(a, b) {" },
      ],
      temperature: 0.6,
      max_tokens: 300,
      stream: true,
      stream_options: { include_usage: true },
      seed: 7,
      response_format: { type: "json_schema", json_schema: { name: "tool_call", schema: CONSTRAINT.jsonSchema } },
    });
    // Without a constraint there is no response_format; the default temperature is 0.3.
    await backend.complete(ask());
    expect(server.chats()[2]).toMatchObject({ temperature: 0.3, max_tokens: 4096 });
    expect(server.chats()[2]).not.toHaveProperty("response_format");
    // The model info was read once for all requests.
    expect(server.requests.filter((r) => r.path === "/v1/models")).toHaveLength(1);
  });

  it("sends the API key as a bearer token only when one is set", async () => {
    const keyed = await fake({ apiKey: "sk-local" });
    await backendFor(keyed, { apiKey: "sk-local" }).complete(ask());
    expect(new Set(keyed.requests.map((r) => r.authorization))).toEqual(new Set(["Bearer sk-local"]));
    const open = await fake();
    await backendFor(open).complete(ask());
    expect(open.requests.every((r) => r.authorization === null)).toBe(true);
  });

  it("reads non-streamed replies the same way", async () => {
    const server = await fake({ replies: [{ content: "hello", reasoning: "think first" }] });
    const reply = await backendFor(server, { stream: false }).complete(ask());
    expect(reply).toMatchObject({ content: "hello", thinking: "think first", doneReason: "stop", promptTokens: expect.any(Number) });
    expect(server.chats()[1]).toMatchObject({ stream: false });
    expect(server.chats()[1]).not.toHaveProperty("stream_options");
  });
});

describe("openai: structured output probe", () => {
  it("a server that honours response_format: supported, and doctor-facing detail", async () => {
    const info = await backendFor(await fake()).info();
    expect(info.structuredOutput).toEqual({ supported: true, detail: "response_format json_schema is honoured (the probe reply matched the schema)" });
    expect(info.warnings.join("\n")).not.toMatch(/not grammar-constrained/);
  });

  it("a server that accepts and ignores it: not supported, a warning, and no response_format on calls", async () => {
    const server = await fake({ responseFormat: "ignored", replies: [{ content: "Hello!" }, { content: "{}" }] });
    const backend = backendFor(server);
    const info = await backend.info();
    expect(info.structuredOutput).toEqual({ supported: false, detail: 'the server accepts response_format json_schema but does not hold replies to it (the probe reply was "Hello!")' });
    expect(info.warnings).toContain(`${info.structuredOutput?.detail}: tool calls are not grammar-constrained on this server, so the repair and retry layers do the work`);
    await backend.complete(ask({ constraint: CONSTRAINT }));
    expect(server.chats()[1]).not.toHaveProperty("response_format");
  });

  it("a server that refuses it: not supported, its words quoted, and no response_format on calls", async () => {
    const server = await fake({ responseFormat: "rejected" });
    const backend = backendFor(server);
    expect((await backend.info()).structuredOutput).toMatchObject({ supported: false, detail: expect.stringContaining('"response_format json_schema is not supported"') });
    await backend.complete(ask({ constraint: CONSTRAINT }));
    expect(server.chats()[1]).not.toHaveProperty("response_format");
  });

  it("can be switched off: nothing is probed and nothing constrained", async () => {
    const server = await fake();
    const info = await backendFor(server, { probe: false }).info();
    expect(info.structuredOutput?.supported).toBe(false);
    expect(server.chats()).toHaveLength(0);
  });
});

describe("openai: replies", () => {
  it("joins streamed native tool-call fragments by index into calls with object arguments (text that is not JSON stays text)", async () => {
    const server = await fake({
      replies: [{ toolCalls: [{ name: "read_file", arguments: { path: "src/sum.js", start_line: 1 } }, { name: "search", arguments: '{"pattern": "sum"' }] }],
    });
    const reply = await backendFor(server).complete(ask());
    expect(reply.toolCalls).toEqual([
      { function: { name: "read_file", arguments: { path: "src/sum.js", start_line: 1 } } },
      { function: { name: "search", arguments: '{"pattern": "sum"' } },
    ]);
    expect(reply.doneReason).toBe("tool_calls");
  });

  it("counts tokens from llama-server's timings when the server sends no usage", async () => {
    const server = await fake({ flavor: "llama-server", replies: [{ content: "12345678", noUsage: true }] });
    const reply = await backendFor(server).complete(ask());
    expect(reply.completionTokens).toBe(2);
    expect(reply.promptTokens).toBeGreaterThan(0);
  });

  it("reports a reply cut at max_tokens as done_reason length", async () => {
    const server = await fake({ replies: [{ content: "x".repeat(100) }] });
    const reply = await backendFor(server).complete(ask({ maxTokens: 5 }));
    expect(reply).toMatchObject({ content: "x".repeat(20), doneReason: "length" });
  });
});

describe("openai: model info", () => {
  it("llama-server: build, slot context, trained context and quantization from /props and /v1/models", async () => {
    // llama-server lists (and answers as) the GGUF path it was started with.
    const path = "/models/Qwen2.5-Coder-7B-Instruct-Q5_K_M.gguf";
    const server = await fake({ flavor: "llama-server", nCtx: 16384, singleModel: true, models: [{ id: path, contextLength: 32768 }] });
    const info = await backendFor(server, { model: "anything" }).info();
    expect(info).toMatchObject({
      backend: "openai",
      name: "Qwen2.5-Coder-7B-Instruct-Q5_K_M.gguf",
      quantization: "Q5_K_M",
      contextLength: 32768,
      numCtx: 16384,
      backendVersion: "llama.cpp b6500-0123abcd",
    });
    expect(info.warnings.join("\n")).toMatch(/"anything" is not in the server's model list \(\/models\/Qwen2\.5-Coder-7B-Instruct-Q5_K_M\.gguf\), but it answered/);
  });

  it("vLLM: version and max_model_len", async () => {
    const server = await fake({ flavor: "vllm", nCtx: 8192 });
    expect(await backendFor(server).info()).toMatchObject({ contextLength: 8192, numCtx: 8192, backendVersion: "vLLM 0.11.0", warnings: [] });
  });

  it("a server that says nothing about its window: a warning, and --num-ctx is taken as given", async () => {
    const info = await backendFor(await fake(), { numCtx: 12000 }).info();
    expect(info).toMatchObject({ numCtx: 12000, contextLength: null, backendVersion: null });
    expect(info.warnings).toContain("the server did not say how large its context window is; prompts are budgeted without it");
  });
});

describe("openai: errors name the cause and the fix", () => {
  it("nothing listening: unreachable, naming the URL and OPENAI_BASE_URL", async () => {
    const server = await fake();
    const base = server.baseUrl;
    await server.close();
    servers.pop();
    const error = await failure(createOpenAiBackend({ model: MODEL, baseUrl: base }).info());
    expect(error.code).toBe("unreachable");
    expect(error.message).toBe(`cannot reach the OpenAI-compatible server at ${base} (connection refused)`);
    expect(error.hint).toContain("OPENAI_BASE_URL");
  });

  it("a web page at the URL: not an OpenAI API", async () => {
    const page = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<!doctype html><html><body>Router login</body></html>");
    });
    const { url } = await listenOnLoopback(page);
    try {
      const error = await failure(createOpenAiBackend({ model: MODEL, baseUrl: url }).info());
      expect(error.code).toBe("bad_response");
      expect(error.message).toMatch(/^http:\/\/127\.0\.0\.1:\d+ answered GET \/models with something that is not the OpenAI API \(HTTP 200: "<!doctype html>/);
      expect(error.hint).toContain("OPENAI_BASE_URL");
    } finally {
      page.closeAllConnections();
      await new Promise<void>((resolve) => page.close(() => resolve()));
    }
  });

  it("the server's root instead of its /v1: a 404 that says which URL to use", async () => {
    const server = await fake();
    const error = await failure(createOpenAiBackend({ model: MODEL, baseUrl: server.url }).info());
    expect(error.code).toBe("bad_response");
    expect(error.message).toContain(`has no GET /models (HTTP 404`);
    expect(error.hint).toContain(`did you mean ${server.url}/v1?`);
  });

  it("a model the server does not serve: model_not_found, listing the closest it does", async () => {
    const server = await fake({ models: [{ id: "qwen2.5-coder-14b-instruct" }, { id: "llama-3.2-3b-instruct" }] });
    const error = await failure(backendFor(server, { model: "qwen2.5-coder-7b" }).info());
    expect(error.code).toBe("model_not_found");
    expect(error.message).toBe(`the OpenAI-compatible server at ${server.baseUrl} does not serve the model "qwen2.5-coder-7b"`);
    expect(error.hint).toBe("use one it serves, e.g. --model openai:qwen2.5-coder-14b-instruct (it serves: qwen2.5-coder-14b-instruct, llama-3.2-3b-instruct)");
  });

  it("a server that wants a key: 401 explained with and without OPENAI_API_KEY", async () => {
    const server = await fake({ apiKey: "sk-right" });
    const none = await failure(backendFor(server).info());
    expect(none.message).toMatch(/refused the request: not authorized \(HTTP 401: "Incorrect API key provided: \(none\)\."\)/);
    expect(none.hint).toBe("the server wants an API key: set OPENAI_API_KEY to the key it was started with");
    const wrong = await failure(backendFor(server, { apiKey: "sk-wrong" }).info());
    expect(wrong.hint).toMatch(/^the server rejected OPENAI_API_KEY/);
  });

  it("a prompt over the context window: context_overflow (OpenAI's and llama-server's wording)", async () => {
    for (const flavor of ["plain", "llama-server"] as const) {
      const server = await fake({ flavor, nCtx: 10 });
      const error = await failure(backendFor(server, { probe: false }).complete(ask()));
      expect(error.code).toBe("context_overflow");
    }
  });

  it("errors in the stream, a stream cut short, a loading model, a cancelled request", async () => {
    const server = await fake();
    const backend = backendFor(server);
    await backend.info();
    server.reply({ content: "partial", streamError: { message: "CUDA error: out of memory", type: "server_error" } });
    expect(await failure(backend.complete(ask()))).toMatchObject({ code: "bad_response", message: expect.stringContaining('(an error in the stream: "CUDA error: out of memory")') });
    server.reply({ content: "partial", endEarly: true });
    expect(await failure(backend.complete(ask()))).toMatchObject({ code: "unreachable", message: expect.stringContaining("closed the reply stream") });
    server.reply({ error: { status: 503, body: { error: { message: "Loading model", type: "unavailable_error", code: 503 } } } });
    expect(await failure(backend.complete(ask()))).toMatchObject({ code: "unreachable", hint: expect.stringContaining("retries by itself") });
    server.reply({ hang: true });
    const controller = new AbortController();
    const pending = backend.complete(ask({ signal: controller.signal }));
    setTimeout(() => controller.abort(), 50);
    expect(await failure(pending)).toMatchObject({ code: "aborted" });
  });

  it("a bad OPENAI_BASE_URL is refused before any request", () => {
    expect(() => createOpenAiBackend({ model: MODEL, baseUrl: "localhost:1234" })).toThrow(/OPENAI_BASE_URL "localhost:1234" is not an http\(s\) URL/);
  });
});
