import { afterEach, describe, expect, it, vi } from "vitest";
import { QUESTION_TOOLS, TOOL_NAMES, toolCallJsonSchema } from "../../src/protocol/tool-schemas.js";
import { createLlamaCppBackend } from "../../src/model/create-llamacpp-backend.js";
import { isTransientModelError, ModelError } from "../../src/model/model-error.js";
import type { ChatMessage, ModelRequest } from "../../src/model/types.js";
import { toolCallGbnf } from "../../src/scaffold/tool-call-gbnf.js";
import { startFakeLlamaServer, type FakeLlamaOptions, type FakeLlamaServer } from "../helpers/fake-llama-server.js";

const servers: FakeLlamaServer[] = [];

async function fake(options?: FakeLlamaOptions): Promise<FakeLlamaServer> {
  const server = await startFakeLlamaServer(options);
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const MESSAGES: ChatMessage[] = [
  { role: "system", content: "You fix issues. Reply with one JSON tool call." },
  { role: "user", content: "Fix the off-by-one in src/range.ts." },
  { role: "assistant", content: '{"tool":"read_file","args":{"path":"src/range.ts"}}' },
  { role: "tool", toolName: "read_file", content: "1 export const range = (n) => [...Array(n + 1).keys()];" },
];

function agentRequest(extra: Partial<ModelRequest> = {}): ModelRequest {
  return {
    messages: MESSAGES,
    purpose: "agent",
    constraint: { jsonSchema: toolCallJsonSchema(TOOL_NAMES), gbnf: toolCallGbnf(TOOL_NAMES) },
    ...extra,
  };
}

async function modelError(promise: Promise<unknown>): Promise<ModelError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof ModelError)) throw new Error(`expected a ModelError, got ${String(error)}`);
  return error;
}

describe("createLlamaCppBackend: info()", () => {
  it("reads the model, its quantization, context and build from /props and /v1/models", async () => {
    const server = await fake();
    const backend = createLlamaCppBackend({ url: `${server.url}/` });

    const info = await backend.info();
    expect(info).toEqual({
      spec: `llamacpp:${server.url}`,
      backend: "llamacpp",
      name: "Qwen2.5-Coder-7B-Instruct-Q5_K_M.gguf",
      quantization: "Q5_K_M",
      contextLength: 131072,
      numCtx: 32768,
      backendVersion: "b6500-0123abcd",
      warnings: [],
    });
    expect(backend.spec).toBe(`llamacpp:${server.url}`);
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /health", "GET /props", "GET /v1/models"]);

    await backend.info();
    expect(server.requests).toHaveLength(3);
  });

  it("refuses a chat template that drops the conversation (a real --jinja --chat-template gemma renders 'gemma')", async () => {
    const server = await fake({ literalTemplate: "gemma" });
    const error = await createLlamaCppBackend({ url: server.url }).complete(agentRequest()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).code).toBe("model_unusable");
    expect((error as ModelError).hint).toContain("--no-jinja");
    expect(server.requests.map((r) => r.path)).not.toContain("/completion");
  });

  it("prefers the alias as the name and warns about q3 quants and small contexts", async () => {
    const server = await fake({ alias: "tiny-coder", modelPath: "/m/tiny-coder-1.5b.IQ3_XXS.gguf", nCtx: 4096, ftype: null });
    const info = await createLlamaCppBackend({ url: server.url }).info();
    expect(info.name).toBe("tiny-coder");
    expect(info.quantization).toBe("IQ3_XXS");
    expect(info.warnings.join("\n")).toMatch(/IQ3_XXS, which is not agent-grade/);
    expect(info.warnings.join("\n")).toMatch(/only 4096 tokens per slot.*-c 16384/);
  });

  it("reports the server's slot context as the ceiling for numCtx", async () => {
    const server = await fake({ nCtx: 16384, totalSlots: 2 });
    const larger = await createLlamaCppBackend({ url: server.url, numCtx: 32768 }).info();
    expect(larger.numCtx).toBe(16384);
    expect(larger.warnings).toEqual([expect.stringMatching(/asked for, but llama-server runs with 16384 per slot \(split over 2 slots\).*-c 65536/)]);

    const smaller = await createLlamaCppBackend({ url: server.url, numCtx: 12000 }).info();
    expect(smaller.numCtx).toBe(12000);
    expect(smaller.warnings).toEqual([]);
  });

  it("says the model is still loading, and succeeds once it has loaded", async () => {
    const server = await fake({ loading: true });
    const backend = createLlamaCppBackend({ url: server.url });

    const error = await modelError(backend.info());
    expect(error.code).toBe("unreachable");
    expect(isTransientModelError(error)).toBe(true);
    expect(error.message).toContain("Loading model");
    expect(error.hint).toContain(`${server.url}/health`);

    server.setLoading(false);
    expect((await backend.info()).numCtx).toBe(32768);
  });
});

describe.each([
  { mode: "streamed", stream: true },
  { mode: "not streamed", stream: false },
])("createLlamaCppBackend: complete() $mode", ({ stream }) => {
  it("renders the chat with /apply-template and sends the grammar, cache_prompt and temperature 0.3", async () => {
    const server = await fake();
    const call = '{"thought":"Read it first.","tool":"read_file","args":{"path":"src/range.ts","start_line":1}}';
    server.reply({ content: call, tokensEvaluated: 812, cachedTokens: 800, tokensPredicted: 31 });
    const backend = createLlamaCppBackend({ url: server.url, stream, now: clock([1000, 1250]) });

    const reply = await backend.complete(agentRequest());

    expect(reply).toEqual({
      content: call,
      doneReason: "stop",
      promptTokens: 812,
      completionTokens: 31,
      inputTruncated: false,
      cachedPromptTokens: 800,
      promptEvalMs: 12.5,
      evalMs: 80.1,
      latencyMs: 250,
    });
    const [template, completion] = server.requests;
    expect(template?.path).toBe("/apply-template");
    expect(template?.body).toEqual({
      messages: [
        { role: "system", content: MESSAGES[0]?.content },
        { role: "user", content: MESSAGES[1]?.content },
        { role: "assistant", content: MESSAGES[2]?.content },
        { role: "user", content: `Result of read_file:\n${MESSAGES[3]?.content}` },
      ],
    });
    expect(completion?.path).toBe("/completion");
    expect(completion?.body).toMatchObject({
      grammar: toolCallGbnf(TOOL_NAMES),
      cache_prompt: true,
      temperature: 0.3,
      n_predict: 4096,
      stream,
    });
    const body = server.completions()[0] ?? {};
    expect(body.prompt).toMatch(/^<\|im_start\|>system\n.*<\|im_start\|>assistant\n$/s);
    expect(body).not.toHaveProperty("json_schema");
    expect(body).not.toHaveProperty("seed");
  });

  it("sends every agent turn's grammar, and the request's own sampling settings", async () => {
    const server = await fake();
    const backend = createLlamaCppBackend({ url: server.url, stream, temperature: 0.5 });
    const question = toolCallGbnf(QUESTION_TOOLS);

    await backend.complete(agentRequest());
    await backend.complete(agentRequest({ constraint: { jsonSchema: toolCallJsonSchema(QUESTION_TOOLS), gbnf: question } }));
    await backend.complete(agentRequest({ temperature: 0.9, seed: 1234, maxTokens: 300 }));

    const [first, second, third] = server.completions();
    expect(first).toMatchObject({ grammar: toolCallGbnf(TOOL_NAMES), temperature: 0.5 });
    expect(second).toMatchObject({ grammar: question, temperature: 0.5 });
    expect(third).toMatchObject({ temperature: 0.9, seed: 1234, n_predict: 300 });
  });

  it("never drops a constraint: without GBNF it sends the JSON schema", async () => {
    const server = await fake();
    const backend = createLlamaCppBackend({ url: server.url, stream });
    const jsonSchema = toolCallJsonSchema(TOOL_NAMES);

    await backend.complete(agentRequest({ constraint: { jsonSchema } }));
    await backend.complete({ messages: MESSAGES, purpose: "summary" });

    const [constrained, free] = server.completions();
    expect(constrained?.json_schema).toEqual(jsonSchema);
    expect(constrained).not.toHaveProperty("grammar");
    expect(free).not.toHaveProperty("grammar");
    expect(free).not.toHaveProperty("json_schema");
  });

  it("maps a cut-off generation to doneReason length and context shift to inputTruncated", async () => {
    const server = await fake();
    server.reply(
      { content: '{"tool":"write_file","args":{"path":"a.ts","content":"export', stopType: "limit", tokensPredicted: 4096 },
      { content: '{"tool":"run_tests","args":{}}', truncated: true },
      { content: "{}", stopType: "limit", legacyStopFields: true },
      { content: "{}", stopType: "eos", legacyStopFields: true },
    );
    const backend = createLlamaCppBackend({ url: server.url, stream });

    const cut = await backend.complete(agentRequest());
    expect(cut).toMatchObject({ doneReason: "length", completionTokens: 4096, inputTruncated: false });
    expect(cut.content).toBe('{"tool":"write_file","args":{"path":"a.ts","content":"export');

    expect(await backend.complete(agentRequest())).toMatchObject({ doneReason: "stop", inputTruncated: true });
    expect((await backend.complete(agentRequest())).doneReason).toBe("length");
    expect((await backend.complete(agentRequest())).doneReason).toBe("stop");
  });

  it("cancels one request mid-generation through its AbortSignal and closes the connection", async () => {
    const server = await fake();
    server.reply({ content: '{"tool":"list', hang: true }, { content: '{"tool":"run_tests","args":{}}' });
    const backend = createLlamaCppBackend({ url: server.url, stream });
    const controller = new AbortController();

    const stalled = server.stalled();
    const pending = backend.complete(agentRequest({ signal: controller.signal }));
    await stalled;
    controller.abort();

    const error = await modelError(pending);
    expect(error.code).toBe("aborted");
    expect(isTransientModelError(error)).toBe(false);
    await vi.waitFor(() => expect(server.disconnects).toBe(1));

    // Only that request was cancelled: the backend keeps working.
    expect((await backend.complete(agentRequest())).content).toBe('{"tool":"run_tests","args":{}}');
  });

  it("reports a signal that timed out as a timeout", async () => {
    const server = await fake();
    const backend = createLlamaCppBackend({ url: server.url, stream });
    const signal = AbortSignal.abort(new DOMException("The operation timed out.", "TimeoutError"));
    const error = await modelError(backend.complete(agentRequest({ signal })));
    expect(error.code).toBe("timeout");
  });

  it("says the prompt does not fit the context, with llama-server's numbers", async () => {
    const server = await fake({ nCtx: 4096 });
    const backend = createLlamaCppBackend({ url: server.url, stream });
    const long: ChatMessage = { role: "user", content: "x".repeat(20_000) };

    const error = await modelError(backend.complete(agentRequest({ messages: [...MESSAGES, long] })));
    expect(error.code).toBe("context_overflow");
    expect(error.message).toMatch(/\(\d{4} tokens, the context holds 4096\)/);
    expect(error.message).toContain("exceeds the available context size");
    expect(error.hint).toContain("-c 32768");
  });

  it("quotes llama-server when it refuses the grammar", async () => {
    const server = await fake();
    const backend = createLlamaCppBackend({ url: server.url, stream });
    const error = await modelError(
      backend.complete(agentRequest({ constraint: { jsonSchema: {}, gbnf: 'root ::= tool_call\ntool_call ::= "{}"\n' } })),
    );
    expect(error.code).toBe("bad_response");
    expect(error.message).toBe(`llama-server at ${server.url} rejected the output grammar (HTTP 400: "Failed to parse grammar")`);
    expect(error.hint).toContain("update llama.cpp");
  });

  it("treats 503 Loading model during a completion as transient", async () => {
    const server = await fake();
    server.setLoading(true);
    const error = await modelError(createLlamaCppBackend({ url: server.url, stream }).complete(agentRequest()));
    expect(error.code).toBe("unreachable");
    expect(isTransientModelError(error)).toBe(true);
  });

  it("quotes any other server error with its status", async () => {
    const server = await fake();
    server.reply({ error: { status: 500, body: { error: { code: 500, message: "slot unavailable", type: "server_error" } } } });
    const error = await modelError(createLlamaCppBackend({ url: server.url, stream }).complete(agentRequest()));
    expect(error.code).toBe("bad_response");
    expect(error.message).toBe(`llama-server at ${server.url} failed POST /completion (HTTP 500: "slot unavailable")`);
  });
});

describe("createLlamaCppBackend: chat rendering", () => {
  it("sends observations as user turns and joins same-role turns, so strict templates accept the chat", async () => {
    const server = await fake();
    await createLlamaCppBackend({ url: server.url }).complete({
      purpose: "agent",
      messages: [
        { role: "system", content: "rules" },
        { role: "system", content: "tool list" },
        { role: "user", content: "task" },
        { role: "assistant", content: "{}" },
        { role: "tool", content: "bad call" },
        { role: "user", content: "try again" },
        { role: "system", content: "schema reminder" },
        { role: "tool", content: "no name" },
      ],
    });
    expect(server.requests[0]?.body).toEqual({
      messages: [
        { role: "system", content: "rules\n\ntool list" },
        { role: "user", content: "task" },
        { role: "assistant", content: "{}" },
        { role: "user", content: "Result of the tool:\nbad call\n\ntry again\n\nschema reminder\n\nResult of the tool:\nno name" },
      ],
    });
  });

  it.each([
    ["/models/Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf", "Q4_K_M"],
    ["/m/qwen2.5-coder-7b-instruct-q5_k_m.gguf", "Q5_K_M"],
    ["C:\\models\\model-UD-Q4_K_XL-00001-of-00002.gguf", "Q4_K_XL"],
    ["/m/tinyllama-1.1b-chat-v1.0.Q2_K.gguf", "Q2_K"],
    ["/m/gemma-2-9b-it-BF16.gguf", "BF16"],
    ["/m/my-finetune.gguf", null],
  ])("reads the quantization of %s from its file name", async (modelPath, quantization) => {
    const server = await fake({ modelPath, ftype: null });
    expect((await createLlamaCppBackend({ url: server.url }).info()).quantization).toBe(quantization);
  });

  it.each([
    ["Q4_K - Medium", "Q4_K_M"],
    ["Q5_K - Small", "Q5_K_S"],
    ["Q4_1", "Q4_1"],
    ["IQ4_XS - 4.25 bpw", "IQ4_XS"],
  ])("takes a current server's own file type %s as %s, whatever the file is called", async (ftype, quantization) => {
    // A real llama-server without --alias reports the -m path as its alias: the name is the file.
    const server = await fake({ modelPath: "/srv/models/my-finetune.gguf", alias: "/srv/models/my-finetune.gguf", ftype });
    const info = await createLlamaCppBackend({ url: server.url }).info();
    expect(info).toMatchObject({ quantization, name: "my-finetune.gguf" });
  });
});

describe("createLlamaCppBackend: streaming details", () => {
  it("joins the streamed pieces, however the text is split", async () => {
    const server = await fake();
    server.reply({ content: '{"tool":"answer","args":{"text":"héllo 😀"}}', chunks: ['{"to', 'ol":"answer","args":{"text":"h', "éllo ", "😀", '"}}'] });
    const reply = await createLlamaCppBackend({ url: server.url }).complete(agentRequest());
    expect(reply.content).toBe('{"tool":"answer","args":{"text":"héllo 😀"}}');
  });

  it("maps an error event inside the stream", async () => {
    const server = await fake();
    server.reply({
      content: '{"tool"',
      streamError: { code: 400, message: "the request exceeds the available context size, try increasing it", type: "exceed_context_size_error" },
    });
    const error = await modelError(createLlamaCppBackend({ url: server.url }).complete(agentRequest()));
    expect(error.code).toBe("context_overflow");
  });

  it("reports a stream that ends without its final message as a transient failure", async () => {
    const server = await fake();
    server.reply({ content: '{"tool":"run_tests"', endEarly: true });
    const error = await modelError(createLlamaCppBackend({ url: server.url }).complete(agentRequest()));
    expect(error.code).toBe("unreachable");
    expect(error.message).toContain("closed the POST /completion stream before the completion finished");
  });
});

describe("createLlamaCppBackend: failures before any answer", () => {
  it("says how to start llama-server when nothing listens at the URL", async () => {
    const server = await startFakeLlamaServer();
    const { url } = server;
    await server.close();
    const backend = createLlamaCppBackend({ url });
    const port = new URL(url).port;

    for (const attempt of [backend.info(), backend.complete(agentRequest())]) {
      const error = await modelError(attempt);
      expect(error.code).toBe("unreachable");
      expect(error.message).toBe(`cannot reach llama-server at ${url} (connection refused)`);
      expect(error.hint).toContain(`llama-server -m model.gguf --port ${port}`);
      expect(error.describe()).toContain(error.hint);
    }
  });

  it("points at the base URL when /apply-template is missing", async () => {
    const server = await fake();
    const error = await modelError(createLlamaCppBackend({ url: `${server.url}/v1` }).complete(agentRequest()));
    expect(error.code).toBe("bad_response");
    expect(error.message).toContain("has no POST /apply-template (HTTP 404)");
    expect(error.hint).toContain("without /v1");
  });

  it("says so when something other than llama-server answers", async () => {
    const html = async (): Promise<Response> => new Response("<html>proxy login</html>", { status: 200 });
    const backend = createLlamaCppBackend({ url: "http://127.0.0.1:9", fetch: html });
    const error = await modelError(backend.complete(agentRequest()));
    expect(error.code).toBe("bad_response");
    expect(error.message).toContain("with something that is not JSON");
  });

  it("refuses a model spec URL that is not http(s)", () => {
    expect(() => createLlamaCppBackend({ url: "127.0.0.1:8080" })).toThrow(/llamacpp:http:\/\/127\.0\.0\.1:8080/);
    expect(() => createLlamaCppBackend({ url: "ftp://host" })).toThrow(/not an http\(s\) URL/);
  });
});

/** A clock that returns the given readings in order. */
function clock(readings: number[]): () => number {
  let i = 0;
  return () => readings[Math.min(i++, readings.length - 1)] ?? 0;
}
