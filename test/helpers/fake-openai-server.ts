import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { Ajv } from "ajv";
import { listenOnLoopback } from "./listen-on-loopback.js";

/**
 * A stand-in for an OpenAI-compatible server on 127.0.0.1 (random port), speaking the shapes of
 * the OpenAI chat completions API as local servers implement it: `GET /v1/models`,
 * `POST /v1/chat/completions` streamed (`data:` chunks with `choices[0].delta.content` and
 * `delta.tool_calls` fragments by index, a usage chunk when `stream_options.include_usage`, then
 * `data: [DONE]`) or not, and errors in OpenAI's `{"error": {"message", "type", "param", "code"}}`.
 *
 * Like the servers it stands for: an unknown model is 404 `model_not_found` (LM Studio, vLLM), or
 * any name is answered (`singleModel`, llama-server); a missing or wrong bearer key is 401 when
 * `apiKey` is set; a prompt over `nCtx` (≈ 4 characters per token) is refused in the flavor's
 * words; `max_tokens` cuts the reply with `finish_reason: "length"`. `response_format` json_schema
 * is honoured (a queued reply that does not match the schema stays queued and the schema's
 * simplest instance is answered, as a constrained decoder would), ignored, or rejected with 400.
 * `flavor` adds what the server says about itself: llama-server's `/props` and `timings`, vLLM's
 * `/version` and `max_model_len`.
 */
export async function startFakeOpenAiServer(options: FakeOpenAiOptions = {}): Promise<FakeOpenAiServer> {
  const models = options.models ?? [{ id: "qwen2.5-coder-7b-instruct" }];
  const flavor = options.flavor ?? "plain";
  const nCtx = options.nCtx ?? 32768;
  const responseFormat = options.responseFormat ?? "honoured";
  const replies: FakeChatReply[] = [...(options.replies ?? [])];
  const requests: RecordedRequest[] = [];
  const ajv = new Ajv({ strict: false });
  let disconnects = 0;

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, openAiError(String(error), "server_error"));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const method = req.method ?? "GET";
    let body: unknown = null;
    if (text !== "") {
      try {
        body = JSON.parse(text);
      } catch {
        sendJson(res, 400, openAiError("We could not parse the JSON body of your request.", "invalid_request_error"));
        return;
      }
    }
    requests.push({ method, path, authorization: req.headers.authorization ?? null, body });
    const route = `${method} ${path}`;
    if (route === "GET /props" && flavor === "llama-server") return sendJson(res, 200, { build_info: "b6500-0123abcd", model_path: `/models/${models[0]?.id ?? "model"}.gguf`, default_generation_settings: { n_ctx: nCtx }, total_slots: 1 });
    if (route === "GET /version" && flavor === "vllm") return sendJson(res, 200, { version: "0.11.0" });
    if (!path.startsWith("/v1/")) return sendJson(res, 404, openAiError(`Unknown request URL: ${route}. Please check the URL for typos.`, "invalid_request_error", "unknown_url"));
    if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      return sendJson(res, 401, openAiError(`Incorrect API key provided: ${mask(req.headers.authorization)}.`, "invalid_request_error", "invalid_api_key"));
    }
    if (route === "GET /v1/models") return sendJson(res, 200, { object: "list", data: models.map(modelEntry) });
    if (route === "POST /v1/chat/completions") return chat(body, res);
    sendJson(res, 404, openAiError(`Unknown request URL: ${route}. Please check the URL for typos.`, "invalid_request_error", "unknown_url"));
  }

  function modelEntry(model: FakeOpenAiModel): Record<string, unknown> {
    const entry: Record<string, unknown> = { id: model.id, object: "model", created: 1735142223, owned_by: flavor === "llama-server" ? "llamacpp" : "organization-owner" };
    if (flavor === "llama-server") entry.meta = { n_ctx_train: model.contextLength ?? 131072, n_ctx: nCtx, n_vocab: 152064 };
    if (flavor === "vllm") entry.max_model_len = nCtx;
    return entry;
  }

  async function chat(body: unknown, res: ServerResponse): Promise<void> {
    if (!isRecord(body) || typeof body.model !== "string" || !Array.isArray(body.messages)) {
      return sendJson(res, 400, openAiError("'model' and 'messages' are required", "invalid_request_error"));
    }
    const known = models.find((m) => m.id === body.model);
    if (!known && !options.singleModel) {
      return sendJson(res, 404, openAiError(`The model \`${body.model}\` does not exist or you do not have access to it.`, "invalid_request_error", "model_not_found"));
    }
    const schema = jsonSchemaOf(body.response_format);
    if (schema && responseFormat === "rejected") return sendJson(res, 400, openAiError("response_format json_schema is not supported", "invalid_request_error", null, "response_format"));
    const promptTokens = Math.ceil(body.messages.map((m) => (isRecord(m) && typeof m.content === "string" ? m.content : "")).join("").length / 4);
    if (promptTokens > nCtx) return sendJson(res, 400, contextError(promptTokens));

    const reply = nextReply(schema);
    res.on("close", () => {
      if (!res.writableEnded) disconnects++;
    });
    if (reply.delayMs) await sleep(reply.delayMs, res);
    if (res.destroyed) return;
    if (reply.error) return sendJson(res, reply.error.status, reply.error.body);

    const limit = typeof body.max_tokens === "number" ? body.max_tokens * 4 : Infinity;
    const full = reply.content ?? "";
    const content = full.length > limit ? full.slice(0, limit) : full;
    const finishReason = reply.finishReason ?? (full.length > limit ? "length" : reply.toolCalls?.length ? "tool_calls" : "stop");
    const counted = { prompt_tokens: promptTokens, completion_tokens: Math.max(1, Math.ceil(content.length / 4)) };
    const usage = reply.noUsage ? undefined : { ...counted, total_tokens: counted.prompt_tokens + counted.completion_tokens };
    const answered = known?.id ?? models[0]?.id ?? body.model;
    const head = { id: "chatcmpl-fake", created: 1735142223, model: answered, ...(flavor === "llama-server" ? { system_fingerprint: "b6500-0123abcd" } : {}) };
    const timings = flavor === "llama-server" ? { timings: { prompt_n: promptTokens, cache_n: 0, predicted_n: counted.completion_tokens, prompt_ms: 12.5, predicted_ms: 80.1 } } : {};
    const toolCalls = (reply.toolCalls ?? []).map((call, i) => ({ id: `call_${i}`, type: "function", function: { name: call.name, arguments: typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments) } }));

    if (body.stream !== true) {
      if (reply.hang) return;
      const message: Record<string, unknown> = { role: "assistant", content, ...(reply.reasoning ? { reasoning_content: reply.reasoning } : {}) };
      if (toolCalls.length > 0) message.tool_calls = toolCalls;
      return sendJson(res, 200, { ...head, object: "chat.completion", choices: [{ index: 0, message, finish_reason: finishReason }], usage, ...timings });
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    const chunk = (delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}) =>
      res.write(`data: ${JSON.stringify({ ...head, object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`);
    res.write(": keep-alive\n\n");
    // llama-server opens with `content: null`; others with "".
    chunk({ role: "assistant", content: flavor === "llama-server" ? null : "" });
    for (const piece of splitEvery(reply.reasoning ?? "", 4)) chunk({ reasoning_content: piece });
    for (const piece of reply.chunks ?? splitEvery(content, 3)) chunk({ content: piece });
    toolCalls.forEach((call, index) => {
      chunk({ tool_calls: [{ index, id: call.id, type: "function", function: { name: call.function.name, arguments: "" } }] });
      for (const piece of splitEvery(call.function.arguments, 5)) chunk({ tool_calls: [{ index, function: { arguments: piece } }] });
    });
    if (reply.hang) return;
    if (reply.streamError !== undefined) return void res.end(`data: ${JSON.stringify({ error: reply.streamError })}\n\n`);
    if (reply.endEarly) return void res.end();
    const streamOptions = isRecord(body.stream_options) ? body.stream_options : {};
    const usageChunk = streamOptions.include_usage === true && usage !== undefined;
    // llama-server sends its timings with the usage chunk when there is one, else with the last choice.
    chunk({}, finishReason, usageChunk ? {} : timings);
    if (usageChunk) res.write(`data: ${JSON.stringify({ ...head, object: "chat.completion.chunk", choices: [], usage, ...timings })}\n\n`);
    res.end("data: [DONE]\n\n");
  }

  /** The next queued reply; under an honoured schema, one that does not match stays queued and the schema's simplest instance is the answer. */
  function nextReply(schema: Record<string, unknown> | null): FakeChatReply {
    const head = replies[0];
    if (schema && responseFormat === "honoured") {
      const matches = head?.content !== undefined && ajv.validate(schema, safeJson(head.content));
      if (!matches) return { content: JSON.stringify(simplestInstance(schema)) };
    }
    return replies.shift() ?? { content: '{"tool":"run_tests","args":{}}' };
  }

  function contextError(promptTokens: number): unknown {
    if (flavor === "llama-server") {
      return { error: { code: 400, message: `request (${promptTokens} tokens) exceeds the available context size (${nCtx} tokens), try increasing it`, type: "exceed_context_size_error", n_prompt_tokens: promptTokens, n_ctx: nCtx } };
    }
    return openAiError(`This model's maximum context length is ${nCtx} tokens. However, your messages resulted in ${promptTokens} tokens. Please reduce the length of the messages.`, "invalid_request_error", "context_length_exceeded", "messages");
  }

  function sleep(ms: number, res: ServerResponse): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      res.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  const { url } = await listenOnLoopback(server);
  return {
    url,
    baseUrl: `${url}/v1`,
    requests,
    chats: () => requests.filter((r) => r.path === "/v1/chat/completions").map((r) => (isRecord(r.body) ? r.body : {})),
    reply: (...next) => {
      replies.push(...next);
    },
    get disconnects() {
      return disconnects;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface FakeOpenAiModel {
  /** The id `GET /v1/models` lists and `model` must name. */
  id: string;
  /** llama-server flavor: `meta.n_ctx_train`; default 131072. */
  contextLength?: number;
}

export interface FakeOpenAiOptions {
  /** Default one model, `qwen2.5-coder-7b-instruct`. */
  models?: FakeOpenAiModel[];
  /** Answer any model name with the first model, as llama-server does. */
  singleModel?: boolean;
  /** Require `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** What `response_format` json_schema does; default honoured. */
  responseFormat?: "honoured" | "ignored" | "rejected";
  /** What the server says about itself beside the API; default plain (nothing). */
  flavor?: "plain" | "llama-server" | "vllm";
  /** The context window in tokens; default 32768. */
  nCtx?: number;
  replies?: FakeChatReply[];
}

/** One scripted answer; an empty queue answers `{"tool":"run_tests","args":{}}`. */
export interface FakeChatReply {
  content?: string;
  /** How a streamed answer splits `content` (default: 3-character pieces). */
  chunks?: string[];
  /** Reasoning sent as `reasoning_content`. */
  reasoning?: string;
  /** Native tool calls (streamed as fragments by index); arguments as an object or raw text. */
  toolCalls?: { name: string; arguments: unknown }[];
  /** Default: `length` when `max_tokens` cut the content, `tool_calls` with tool calls, else `stop`. */
  finishReason?: string;
  delayMs?: number;
  /** Never finish the answer (the client must cancel). */
  hang?: boolean;
  /** Answer with this status and JSON body instead. */
  error?: { status: number; body: unknown };
  /** Streamed: an error object in place of the final chunk. */
  streamError?: unknown;
  /** Streamed: close after the content, with no finish reason and no `[DONE]`. */
  endEarly?: boolean;
  /** Send no `usage` (servers that ignore `stream_options`): llama-server's `timings` still count. */
  noUsage?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | null;
  body: unknown;
}

export interface FakeOpenAiServer {
  /** `http://127.0.0.1:<port>`, the server's root. */
  url: string;
  /** The OpenAI base URL, `<url>/v1`. */
  baseUrl: string;
  requests: RecordedRequest[];
  /** Bodies of the chat completion requests, in order (the structured-output probe included). */
  chats(): Record<string, unknown>[];
  reply(...replies: FakeChatReply[]): void;
  /** Chat requests the client closed before the answer was complete. */
  readonly disconnects: number;
  close(): Promise<void>;
}

function jsonSchemaOf(format: unknown): Record<string, unknown> | null {
  if (!isRecord(format) || format.type !== "json_schema" || !isRecord(format.json_schema)) return null;
  return isRecord(format.json_schema.schema) ? format.json_schema.schema : null;
}

/** The simplest value a schema allows (first `oneOf` branch, required properties, consts): what a constrained decoder falls back to. */
function simplestInstance(schema: Record<string, unknown>): unknown {
  if (Array.isArray(schema.oneOf) && isRecord(schema.oneOf[0])) return simplestInstance(schema.oneOf[0]);
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if (schema.type === "object") {
    const properties = isRecord(schema.properties) ? schema.properties : {};
    const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
    return Object.fromEntries(required.map((key) => [key, isRecord(properties[key]) ? simplestInstance(properties[key]) : null]));
  }
  if (schema.type === "array") return [];
  if (schema.type === "string") return "x";
  if (schema.type === "integer" || schema.type === "number") return 1;
  if (schema.type === "boolean") return false;
  return null;
}

function openAiError(message: string, type: string, code: string | null = null, param: string | null = null): unknown {
  return { error: { message, type, param, code } };
}

function mask(authorization: string | undefined): string {
  const key = authorization?.replace(/^Bearer\s+/i, "") ?? "";
  return key === "" ? "(none)" : `${key.slice(0, 3)}***${key.slice(-2)}`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function splitEvery(text: string, size: number): string[] {
  const points = [...text];
  const out: string[] = [];
  for (let i = 0; i < points.length; i += size) out.push(points.slice(i, i + size).join(""));
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
