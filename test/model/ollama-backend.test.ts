import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { toolCallJsonSchema } from "../../src/protocol/tool-schemas.js";
import { createOllamaBackend, type CreateOllamaBackendParams } from "../../src/model/create-ollama-backend.js";
import { describeReplyProblem } from "../../src/model/describe-reply-problem.js";
import { ModelError } from "../../src/model/model-error.js";
import { normalizeOllamaHost } from "../../src/model/ollama/normalize-ollama-host.js";
import type { ChatMessage, ModelRequest } from "../../src/model/types.js";
import {
  FAKE_CONTEXT_OVERFLOW_ERROR,
  startFakeOllamaServer,
  type FakeOllamaServer,
  type FakeOllamaServerOptions,
} from "../helpers/fake-ollama-server.js";

const MODEL = "qwen2.5-coder:7b";
const CALL = '{"thought":"look around","tool":"list_files","args":{}}';

const servers: FakeOllamaServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function fake(options: FakeOllamaServerOptions = {}): Promise<FakeOllamaServer> {
  const server = await startFakeOllamaServer(options);
  servers.push(server);
  return server;
}

function backendFor(server: FakeOllamaServer, params: Partial<CreateOllamaBackendParams> = {}) {
  return createOllamaBackend({ model: MODEL, host: server.url, ...params });
}

const conversation: ChatMessage[] = [
  { role: "system", content: "You are a coding agent." },
  { role: "user", content: "Fix the bug." },
  { role: "assistant", content: '{"tool":"read_file","args":{"path":"a.ts"}}' },
  { role: "tool", content: "1: export const a = 1;", toolName: "read_file" },
];

function agentRequest(extra: Partial<ModelRequest> = {}): ModelRequest {
  return {
    messages: conversation,
    purpose: "agent",
    constraint: { jsonSchema: toolCallJsonSchema(["list_files", "read_file", "finish"]) },
    ...extra,
  };
}

/** Runs `promise`, expecting a ModelError, and returns it. */
async function modelError(promise: Promise<unknown>): Promise<ModelError> {
  const error = await promise.then(
    () => new Error("expected the call to fail"),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ModelError);
  return error as ModelError;
}

function chatBodies(server: FakeOllamaServer) {
  return server.requestsTo("/api/chat").map((request) => request.body);
}

describe.each([
  { mode: "streamed", stream: true },
  { mode: "non-streamed", stream: false },
])("ollama backend chat ($mode)", ({ stream }) => {
  it("sends the constrained request Ollama needs and maps the reply", async () => {
    const server = await fake({ replies: [{ content: CALL, promptEvalCount: 321, evalCount: 17, chunkSize: 5 }] });
    const reply = await backendFor(server, { stream }).complete(agentRequest());

    expect(reply.content).toBe(CALL);
    expect(reply).toMatchObject({ doneReason: "stop", promptTokens: 321, completionTokens: 17 });
    expect(reply.latencyMs).toBeGreaterThanOrEqual(0);
    expect(reply.toolCalls).toBeUndefined();

    const [body] = chatBodies(server);
    expect(body).toMatchObject({
      model: MODEL,
      stream,
      truncate: false,
      shift: false,
      format: toolCallJsonSchema(["list_files", "read_file", "finish"]),
      options: { num_ctx: 32768, temperature: 0.3 },
    });
    expect(body).not.toHaveProperty("tools");
    expect(body).not.toHaveProperty("keep_alive");
    expect(body?.messages).toEqual([
      { role: "system", content: "You are a coding agent." },
      { role: "user", content: "Fix the bug." },
      { role: "assistant", content: '{"tool":"read_file","args":{"path":"a.ts"}}' },
      { role: "tool", content: "1: export const a = 1;", tool_name: "read_file" },
    ]);
  });

  it("passes native tool_calls through", async () => {
    const server = await fake({
      replies: [{ toolCalls: [{ name: "read_file", arguments: { path: "src/a.ts", start_line: 3 } }] }],
    });
    const reply = await backendFor(server, { stream }).complete(agentRequest({ constraint: undefined }));
    expect(reply.content).toBe("");
    expect(reply.toolCalls).toEqual([{ function: { name: "read_file", arguments: { path: "src/a.ts", start_line: 3 } } }]);
    expect(describeReplyProblem(reply, await backendFor(server).info())).toBeNull();
  });

  it("cancels one request while another on the same backend completes", async () => {
    let releaseOther: () => void = () => {};
    const otherMayFinish = new Promise<void>((resolve) => (releaseOther = resolve));
    const server = await fake({
      replies: ({ body }) =>
        JSON.stringify(body.messages).includes('"hang"')
          ? { hang: true, partialContent: '{"tool":' }
          : { content: CALL, until: otherMayFinish },
    });
    const backend = backendFor(server, { stream });
    await backend.info();

    const controller = new AbortController();
    const hanging = backend.complete(
      agentRequest({ messages: [{ role: "user", content: "hang" }], signal: controller.signal }),
    );
    const other = backend.complete(agentRequest({ signal: new AbortController().signal }));
    await server.waitForRequests("/api/chat", 2);

    controller.abort();
    const error = await modelError(hanging);
    expect(error.code).toBe("aborted");
    expect(error.message).toBe("the request to Ollama was cancelled");

    releaseOther();
    expect((await other).content).toBe(CALL);

    const isHang = (body: Record<string, unknown>) => JSON.stringify(body.messages).includes('"hang"');
    const hangRecord = server.requestsTo("/api/chat").find((request) => isHang(request.body));
    const otherRecord = server.requestsTo("/api/chat").find((request) => !isHang(request.body));
    // The client gives up at once; the server notices the closed socket a moment later.
    await vi.waitFor(() => expect(hangRecord?.clientDisconnected).toBe(true));
    expect(otherRecord?.clientDisconnected).toBe(false);
  });
});

describe("ollama backend request options", () => {
  it("omits format without a constraint and forwards seed, max tokens, temperature and keep_alive", async () => {
    const server = await fake({ replies: [{ content: "a summary" }, { content: "another" }] });
    const backend = backendFor(server, { keepAlive: "30m", temperature: 0.5 });
    await backend.complete({ messages: conversation, purpose: "summary", seed: 42, maxTokens: 256 });
    await backend.complete({ messages: conversation, purpose: "summary", temperature: 0.9 });

    const [first, second] = chatBodies(server);
    expect(first).not.toHaveProperty("format");
    expect(first).not.toHaveProperty("tools");
    expect(first).toMatchObject({
      keep_alive: "30m",
      options: { num_ctx: 32768, temperature: 0.5, seed: 42, num_predict: 256 },
    });
    expect(second?.options).toEqual({ num_ctx: 32768, temperature: 0.9 });
  });

  it("uses the injected fetch for every call", async () => {
    const server = await fake({ replies: [{ content: CALL }] });
    const seen: string[] = [];
    const countingFetch: typeof fetch = (input, init) => {
      seen.push(String(input instanceof Request ? input.url : input));
      return fetch(input, init);
    };
    await backendFor(server, { fetch: countingFetch }).complete(agentRequest());
    expect(seen).toEqual([`${server.url}/api/version`, `${server.url}/api/show`, `${server.url}/api/chat`]);
  });

  it("reads /api/version and /api/show once across several calls", async () => {
    const server = await fake({ replies: [{ content: CALL }, { content: CALL }, { content: CALL }] });
    const backend = backendFor(server);
    await Promise.all([backend.complete(agentRequest()), backend.complete(agentRequest()), backend.info()]);
    await backend.complete(agentRequest());
    expect(server.requestsTo("/api/version")).toHaveLength(1);
    expect(server.requestsTo("/api/show")).toHaveLength(1);
    expect(server.requestsTo("/api/chat")).toHaveLength(3);
    expect(server.requestsTo("/api/show")[0]?.body).toEqual({ model: MODEL });
  });

  it("turns thinking off for thinking models and keeps thinking out of the content", async () => {
    const server = await fake({
      models: [{ name: "qwen3:8b", architecture: "qwen3", contextLength: 40960, capabilities: ["completion", "tools", "thinking"] }],
      replies: [{ thinking: "The user wants files.", content: CALL }, { thinking: "Hmm, still thinking", content: "" }],
    });
    const backend = createOllamaBackend({ model: "qwen3:8b", host: server.url });
    const reply = await backend.complete(agentRequest());
    expect(reply.content).toBe(CALL);
    expect(reply.thinking).toBe("The user wants files.");
    expect(chatBodies(server)[0]).toMatchObject({ think: false });

    const onlyThinking = await backend.complete(agentRequest());
    expect(describeReplyProblem(onlyThinking, await backend.info())).toContain(
      "the model returned an empty reply: qwen3:8b only produced thinking",
    );
  });

  it("sends no think key to models without the thinking capability, unless configured", async () => {
    const server = await fake({ replies: [{ content: CALL }, { content: CALL }] });
    await backendFor(server).complete(agentRequest());
    expect(chatBodies(server)[0]).not.toHaveProperty("think");
    const forced = await modelError(backendFor(server, { think: true }).complete(agentRequest()));
    expect(forced.code).toBe("bad_response");
    expect(forced.describe()).toContain('"qwen2.5-coder:7b" does not support thinking');
    expect(forced.hint).toBe("turn the think option off for this model");
  });

  it("measures latency with the injected clock", async () => {
    const server = await fake({ replies: [{ content: CALL }] });
    const ticks = [1000, 1250];
    const reply = await backendFor(server, { now: () => ticks.shift() ?? 0 }).complete(agentRequest());
    expect(reply.latencyMs).toBe(250);
  });

  it("a cancelled info() does not cancel another caller waiting for the same load", async () => {
    const server = await fake();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let shows = 0;
    const gatedFetch: typeof fetch = async (input, init) => {
      if (String(input).endsWith("/api/show") && shows++ === 0) await gate;
      return fetch(input, init);
    };
    const backend = backendFor(server, { fetch: gatedFetch });
    const controller = new AbortController();
    const first = backend.info(controller.signal);
    const second = backend.info();
    controller.abort();
    expect((await modelError(first)).code).toBe("aborted");
    release();
    expect((await second).name).toBe(MODEL);
    expect(server.requestsTo("/api/show")).toHaveLength(1);
  });

  it("rejects an already-cancelled request without calling the model", async () => {
    const server = await fake({ replies: [{ content: CALL }] });
    const controller = new AbortController();
    controller.abort();
    const error = await modelError(backendFor(server).complete(agentRequest({ signal: controller.signal })));
    expect(error.code).toBe("aborted");
    expect(server.requestsTo("/api/chat")).toHaveLength(0);
  });
});

describe("ollama backend info", () => {
  it("reports name, quantization, context length, version and the num_ctx it sends", async () => {
    const server = await fake({ version: "0.13.1" });
    const info = await backendFor(server).info();
    expect(info).toEqual({
      spec: "ollama:qwen2.5-coder:7b",
      backend: "ollama",
      name: MODEL,
      quantization: "Q4_K_M",
      contextLength: 32768,
      numCtx: 32768,
      backendVersion: "0.13.1",
      warnings: [],
    });
  });

  it("caps the default num_ctx at 32768 and never exceeds the model's context length", async () => {
    const server = await fake({
      models: [
        { name: "llama3.1:8b", architecture: "llama", contextLength: 131072 },
        { name: "tiny:1b", architecture: "llama", contextLength: 2048 },
        { name: "mystery:latest", architecture: "llama", contextLength: null },
      ],
    });
    expect((await createOllamaBackend({ model: "llama3.1:8b", host: server.url }).info()).numCtx).toBe(32768);
    expect((await createOllamaBackend({ model: "llama3.1:8b", host: server.url, numCtx: 65536 }).info()).numCtx).toBe(
      65536,
    );

    const clamped = await createOllamaBackend({ model: "tiny:1b", host: server.url, numCtx: 8192 }).info();
    expect(clamped.numCtx).toBe(2048);
    expect(clamped.warnings).toEqual(["num_ctx 8192 is larger than tiny:1b's context length 2048; using 2048"]);

    const unknown = await createOllamaBackend({ model: "mystery", host: server.url }).info();
    expect(unknown).toMatchObject({ contextLength: null, numCtx: 8192 });
    expect(unknown.warnings).toEqual(["Ollama did not report mystery's context length; sending num_ctx 8192"]);
  });

  it("warns about servers that cannot refuse truncation and about q3 quants", async () => {
    const server = await fake({ version: "0.12.5", models: [{ name: "llama3.1:8b-instruct-q3_K_M", quantization: "Q3_K_M" }] });
    const info = await createOllamaBackend({ model: "llama3.1:8b-instruct-q3_K_M", host: server.url }).info();
    expect(info.warnings).toHaveLength(2);
    expect(info.warnings[0]).toContain("Ollama 0.12.5 is older than 0.12.6: it ignores truncate:false");
    expect(info.warnings[1]).toContain("quantized Q3_K_M, which is not agent-grade: q5 is the realistic floor for 8B");
  });
});

describe("ollama backend errors users see", () => {
  it("says where it could not connect and how to start Ollama", async () => {
    const closed = await startFakeOllamaServer();
    await closed.close();
    const backend = createOllamaBackend({ model: MODEL, host: closed.url });

    for (const attempt of [backend.info(), backend.complete(agentRequest())]) {
      const error = await modelError(attempt);
      expect(error.code).toBe("unreachable");
      expect(error.message).toBe(`cannot reach Ollama at ${closed.url} (connection refused)`);
      expect(error.hint).toBe("start it with `ollama serve`, or set OLLAMA_HOST to the address it listens on");
    }
  });

  it("names the pull command and the closest installed models when the model is missing", async () => {
    const server = await fake({
      models: [{ name: "llama3.1:8b" }, { name: "qwen2.5-coder:14b" }, { name: "nomic-embed-text:latest" }, { name: "qwen2.5:7b" }],
    });
    const error = await modelError(backendFor(server).info());
    expect(error.code).toBe("model_not_found");
    expect(error.message).toBe(`Ollama at ${server.url} does not have the model "qwen2.5-coder:7b"`);
    expect(error.hint).toBe(
      "run `ollama pull qwen2.5-coder:7b` on the Ollama host; installed models closest to it: qwen2.5-coder:14b, qwen2.5:7b, llama3.1:8b",
    );
  });

  it("refuses a model whose chat template renders only the user's messages, before any chat", async () => {
    // What a real `ollama create` of Qwen2.5-Coder's GGUF gave: Ollama could not map its template.
    const server = await fake({ models: [{ name: MODEL, template: "{{ .Prompt }}" }] });
    const error = await modelError(backendFor(server).complete(agentRequest()));
    expect(error.code).toBe("model_unusable");
    expect(error.message).toContain("renders only the user's messages");
    expect(error.hint).toContain("TEMPLATE");
    expect(server.requestsTo("/api/chat")).toHaveLength(0);
  });

  it("accepts legacy templates that render the system prompt and the replies", async () => {
    const legacy = "{{ if .System }}<|system|>{{ .System }}{{ end }}<|user|>{{ .Prompt }}<|assistant|>{{ .Response }}";
    const server = await fake({ models: [{ name: MODEL, template: legacy }] });
    await expect(backendFor(server).info()).resolves.toMatchObject({ name: MODEL });
  });

  it("says when no models are installed at all", async () => {
    const server = await fake({ models: [] });
    const error = await modelError(backendFor(server).complete(agentRequest()));
    expect(error.hint).toBe("run `ollama pull qwen2.5-coder:7b` on the Ollama host; no models are installed there yet");
    expect(server.requestsTo("/api/chat")).toHaveLength(0);
  });

  it("maps a 404 from /api/chat (model removed after start) to model_not_found", async () => {
    const server = await fake({ replies: [{ error: "model 'qwen2.5-coder:7b' not found", status: 404 }] });
    const error = await modelError(backendFor(server).complete(agentRequest()));
    expect(error.code).toBe("model_not_found");
    expect(error.hint).toContain("ollama pull qwen2.5-coder:7b");
  });

  it("reports context overflow with Ollama's own text and keeps the scripted reply for the retry", async () => {
    const server = await fake({ replies: [{ content: CALL }] });
    const backend = backendFor(server, { numCtx: 256 });
    const huge: ChatMessage[] = [{ role: "user", content: "x".repeat(4000) }];

    const error = await modelError(backend.complete(agentRequest({ messages: huge })));
    expect(error.code).toBe("context_overflow");
    expect(error.message).toBe(
      `the prompt does not fit the context window (num_ctx 256) of qwen2.5-coder:7b; Ollama refused it instead of truncating: "${FAKE_CONTEXT_OVERFLOW_ERROR}"`,
    );
    expect(error.hint).toBe(
      "the agent shrinks its context and retries; if this keeps happening, raise num_ctx (the model supports up to 32768 tokens) or give the task fewer or smaller files",
    );

    const retry = await backend.complete(agentRequest({ messages: [{ role: "user", content: "short" }] }));
    expect(retry.content).toBe(CALL);
  });

  it("does not suggest raising num_ctx when it already is the model's full context length", async () => {
    const server = await fake({ models: [{ name: MODEL, contextLength: 512 }] });
    const error = await modelError(
      backendFor(server).complete(agentRequest({ messages: [{ role: "user", content: "x".repeat(4000) }] })),
    );
    expect(error.code).toBe("context_overflow");
    expect(error.hint).toBe(
      "the agent shrinks its context and retries; if this keeps happening, num_ctx is already qwen2.5-coder:7b's full context length, so give the task fewer or smaller files or use a model with a longer context",
    );
  });

  it("on a server older than 0.12.6 the overflow is silent and only prompt_eval_count shows it", async () => {
    const server = await fake({ version: "0.12.5", replies: [{ content: CALL }] });
    const backend = backendFor(server, { numCtx: 256 });
    const reply = await backend.complete(agentRequest({ messages: [{ role: "user", content: "x".repeat(4000) }] }));
    expect(reply.promptTokens).toBe(256);
    expect((await backend.info()).warnings.join("\n")).toContain("ignores truncate:false");
  });

  it("quotes server errors, with a memory hint for out-of-memory failures", async () => {
    const server = await fake({
      replies: [
        { error: "model requires more system memory (9.1 GiB) than is available (6.2 GiB)", status: 500 },
        { error: "llama runner process has terminated: signal: segmentation fault", status: 500 },
        { error: "an error was encountered while running the model: unexpected EOF", afterContent: '{"tool":' },
      ],
    });
    const backend = backendFor(server);

    const oom = await modelError(backend.complete(agentRequest()));
    expect(oom.code).toBe("bad_response");
    expect(oom.message).toBe(
      `Ollama at ${server.url} ran out of memory for qwen2.5-coder:7b: "model requires more system memory (9.1 GiB) than is available (6.2 GiB)"`,
    );
    expect(oom.hint).toContain("use a smaller quantization (e.g. a Q4_K_M tag) or a lower num_ctx (now 32768)");

    const crash = await modelError(backend.complete(agentRequest()));
    expect(crash.message).toBe(
      `Ollama at ${server.url} answered POST /api/chat with HTTP 500: "llama runner process has terminated: signal: segmentation fault"`,
    );
    expect(crash.hint).toContain("`ollama serve` log");

    const midStream = await modelError(backend.complete(agentRequest()));
    expect(midStream.code).toBe("bad_response");
    expect(midStream.message).toContain('"an error was encountered while running the model: unexpected EOF"');
  });

  it("says when OLLAMA_HOST points at something that is not Ollama", async () => {
    const other = createServer((_req, res) => res.writeHead(404, { "content-type": "text/html" }).end("<h1>Not Found</h1>"));
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
      const error = await modelError(createOllamaBackend({ model: MODEL, host: url }).info());
      expect(error.code).toBe("bad_response");
      expect(error.message).toBe(`the server at ${url} does not look like Ollama (GET /api/version answered 404)`);
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });
});

describe("describeReplyProblem", () => {
  it("explains an empty reply and a length cut-off in words a user can act on", async () => {
    const server = await fake({ replies: [{ content: "" }, { content: "y".repeat(400) }, { content: CALL }] });
    const backend = backendFor(server);
    const info = await backend.info();

    const empty = await backend.complete(agentRequest());
    expect(empty.content).toBe("");
    expect(describeReplyProblem(empty, info)).toMatch(
      /^the model returned an empty reply \(no text and no tool call\) after \d+ prompt tokens, done_reason: stop\. The agent asks again; if qwen2\.5-coder:7b keeps doing this, try it by hand with `ollama run qwen2\.5-coder:7b`/,
    );

    const cut = await backend.complete(agentRequest({ maxTokens: 5 }));
    expect(cut).toMatchObject({ doneReason: "length", completionTokens: 5 });
    expect(describeReplyProblem(cut, info)).toBe(
      "the reply was cut off at 5 tokens (done_reason: length) before it was complete. Raise num_predict (max tokens) or num_ctx (now 32768), or ask for a smaller step, e.g. edit_file with a short old_text instead of rewriting a whole file.",
    );

    expect(describeReplyProblem(await backend.complete(agentRequest()), info)).toBeNull();
  });

  it("blames the full context window when prompt plus reply reached num_ctx", () => {
    const info = {
      spec: "ollama:m",
      backend: "ollama",
      name: "m",
      quantization: null,
      contextLength: 32768,
      numCtx: 4096,
      backendVersion: "0.12.6",
      warnings: [],
    };
    const text = describeReplyProblem(
      { content: '{"tool":"write_file","args":{"content":"', doneReason: "length", promptTokens: 3900, completionTokens: 196, latencyMs: 1 },
      info,
    );
    expect(text).toBe(
      "the reply was cut off at 196 tokens (done_reason: length) because the context window (num_ctx 4096) was full: prompt 3900 + reply 196 tokens. Raise num_ctx (the model supports up to 32768) or keep less history in the prompt.",
    );
  });
});

describe("OLLAMA_HOST normalization", () => {
  it.each([
    [undefined, "http://127.0.0.1:11434"],
    ["", "http://127.0.0.1:11434"],
    ["0.0.0.0", "http://127.0.0.1:11434"],
    ["0.0.0.0:11434", "http://127.0.0.1:11434"],
    ["myhost", "http://myhost:11434"],
    ["myhost:8080", "http://myhost:8080"],
    [":1234", "http://127.0.0.1:1234"],
    ["http://x:1234", "http://x:1234"],
    ["http://x", "http://x:80"],
    ["https://ollama.example.com", "https://ollama.example.com:443"],
    ["https://ollama.example.com/ollama/", "https://ollama.example.com:443/ollama"],
    [' "127.0.0.1:11435" ', "http://127.0.0.1:11435"],
    ["[::1]:11434", "http://[::1]:11434"],
    ["::1", "http://[::1]:11434"],
    ["[::]:11434", "http://[::1]:11434"],
    ["myhost:notaport", "http://myhost:11434"],
  ])("%j → %s", (input, expected) => {
    expect(normalizeOllamaHost(input)).toBe(expected);
  });

  it("reaches a server given as host:port without a scheme", async () => {
    const server = await fake({ replies: [{ content: CALL }] });
    const hostPort = server.url.replace("http://", "");
    const reply = await createOllamaBackend({ model: MODEL, host: hostPort }).complete(agentRequest());
    expect(reply.content).toBe(CALL);
  });
});
