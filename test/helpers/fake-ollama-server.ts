/**
 * A fake Ollama server for tests and benchmarks: a real `node:http` server on 127.0.0.1, port 0,
 * that answers with the shapes of Ollama's actual API (ollama `docs/api.md`, `api/types.go`,
 * `server/routes.go`), so the real `ollama` npm client and our backend talk to it unchanged.
 *
 * ```ts
 * const server = await startFakeOllamaServer({ replies: [{ content: '{"tool":"run_tests","args":{}}' }] });
 * const backend = createOllamaBackend({ model: "qwen2.5-coder:7b", host: server.url });
 * // … server.requestsTo("/api/chat")[0].body.options.num_ctx …
 * await server.close();
 * ```
 *
 * Endpoints: `GET|HEAD /api/version`, `GET /api/tags`, `POST /api/show`, `POST /api/chat`
 * (streamed NDJSON by default, one JSON object with `"stream": false`), `GET /api/ps` and
 * `POST /api/generate` with an empty prompt (which only loads the model). Anything else gets Go's
 * plain-text `404 page not found`.
 *
 * Loading: `/api/generate` and `/api/chat` load the model with the request's `num_ctx` and list
 * it in `/api/ps`. `memory` makes the box small: `fitContext` caps the context Ollama allocates
 * (as it does when VRAM is short), `vramShare` puts only part of the model in GPU memory.
 *
 * `/api/chat` checks requests in the server's order: body, model name, model installed (404
 * `model 'x' not found`), chat capability, `think` support, then the context window. The window
 * check uses a rough token estimate (≈ 4 characters per token + 4 per message) against
 * `options.num_ctx` (server default 4096): with `truncate: false` on a server ≥ 0.12.6 it refuses
 * with Ollama's own 400 `the input length exceeds the context length`; otherwise it "truncates"
 * silently and reports `prompt_eval_count` = num_ctx, just as a real server under-reports. A
 * refused request does not use up a scripted reply. `options.num_predict` cuts the scripted
 * content (≈ 4 characters per token) and sets `done_reason: "length"`.
 */
import { listenOnLoopback } from "./listen-on-loopback.js";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

/** One model the fake has "pulled". */
export interface FakeOllamaModel {
  /** Tag as `ollama list` shows it, e.g. `qwen2.5-coder:7b`; `:latest` is implied when absent. */
  name: string;
  /** `general.architecture`; default `qwen2`. */
  architecture?: string;
  /** `<architecture>.context_length`; default 32768; `null` leaves the key out. */
  contextLength?: number | null;
  /** `details.quantization_level`; default `Q4_K_M`. */
  quantization?: string;
  /** `details.parameter_size`; default `7.6B`. */
  parameterSize?: string;
  /** `capabilities`; default `["completion", "tools", "insert"]`. */
  capabilities?: string[];
  /**
   * `template`; default ChatML over `.Messages`, as `ollama pull` gives Qwen. A real import of a
   * GGUF whose template Ollama cannot map gets `{{ .Prompt }}` (only the user's messages).
   */
  template?: string;
}

/** A normal reply. Every field is optional: `{}` is an empty reply with `done_reason: "stop"`. */
export interface FakeChatSuccess {
  /** `message.content`, split over several chunks when streamed. */
  content?: string;
  /** `message.thinking`, sent before the content when streamed. */
  thinking?: string;
  /** `message.tool_calls`; each call arrives whole in one chunk, as in Ollama ≥ 0.8. */
  toolCalls?: { name: string; arguments: Record<string, unknown> }[];
  /** `done_reason`; default `stop` (or `length` when num_predict cut the content). */
  doneReason?: string;
  /** `prompt_eval_count`; default the fake's token estimate of the prompt. `null` omits it (cache hit). */
  promptEvalCount?: number | null;
  /** `eval_count`; default ≈ content length / 4. */
  evalCount?: number;
  /** Wait this long before the first byte (cut short if the client disconnects). */
  delayMs?: number;
  /** Hold the response until this settles: lets a test order concurrent calls without sleeps. */
  until?: Promise<unknown>;
  /** Characters of content per streamed chunk; default 8. */
  chunkSize?: number;
  /** Pause between streamed chunks; default 0. */
  chunkDelayMs?: number;
}

/** A failing call. */
export interface FakeChatFailure {
  /** The server's `error` text, e.g. Ollama's OOM or runner messages. */
  error: string;
  /** HTTP status when the error comes before any content; default 500. */
  status?: number;
  /**
   * Streamed only: send this content first (status 200), then the error as an NDJSON
   * `{"error": …}` line, as Ollama does when the runner fails mid-generation.
   */
  afterContent?: string;
}

/** A call the server never answers: it holds the connection until the client goes away. */
export interface FakeChatHang {
  hang: true;
  /** Streamed only: send headers and this content first, then hang mid-stream. */
  partialContent?: string;
}

/** Streamed: an empty chunk (`"content": ""`, `done: false`) every few ms, never a final one, until the client leaves. */
export interface FakeChatEmptyChunks {
  emptyChunksEveryMs: number;
  /** Send this content first. */
  partialContent?: string;
}

/**
 * Streamed: a model that runs on regardless of `num_predict` (a broken server, a proxy that is
 * not a model server): `chars` characters of content in chunks of `chunkSize`, written with
 * backpressure, stopping when the client leaves. `RecordedRequest.charsSent` says how far it got.
 */
export interface FakeChatFlood {
  /** `oneLine`: all of it inside one NDJSON line that never ends (a client buffers it whole, looking for the newline). */
  flood: { chars: number; chunkSize: number; oneLine?: boolean };
}

export type FakeChatReply = FakeChatSuccess | FakeChatFailure | FakeChatHang | FakeChatEmptyChunks | FakeChatFlood;

/** An entry of `/api/ps` (ollama `api/types.go` ProcessModelResponse). */
export interface FakeLoadedModel {
  name: string;
  /** Bytes the loaded model takes; default 5.6 GB. */
  size?: number;
  /** Bytes in GPU memory; default all of `size`. */
  sizeVram?: number;
  /** Context allocated; omitted from `/api/ps` when null (servers before 0.11). */
  contextLength?: number | null;
}

/** Everything the fake saw, in arrival order. */
export interface RecordedRequest {
  method: string;
  /** Path without query string, e.g. `/api/chat`. */
  path: string;
  /** The parsed JSON body; `{}` for GET or non-object bodies. */
  body: Record<string, unknown>;
  /** True when the client closed the connection before the response was complete. */
  clientDisconnected: boolean;
  /** Flood replies: characters of content written before the client left. */
  charsSent?: number;
}

export interface FakeOllamaServerOptions {
  /** `/api/version`; default `0.12.6` (the first that honours `truncate`/`shift`). */
  version?: string;
  /** Installed models; default one `qwen2.5-coder:7b` with the defaults of `FakeOllamaModel`. */
  models?: FakeOllamaModel[];
  /** Scripted replies for successive `/api/chat` calls, or a function choosing one per call. */
  replies?: FakeChatReply[] | ((call: { body: Record<string, unknown>; index: number }) => FakeChatReply);
  /** Context window when a request sends no `options.num_ctx`; default 4096 (Ollama < 24 GiB VRAM). */
  defaultNumCtx?: number;
  /** Models already in memory when the server starts (another client loaded them). */
  loaded?: FakeLoadedModel[];
  /** A box with too little GPU memory: the largest context it allocates, the share of a model it keeps in VRAM (0–1). */
  memory?: { fitContext?: number; vramShare?: number };
  /** `/api/generate` (the load) fails with this Ollama error, e.g. an out-of-memory message. */
  loadError?: string;
  /** `/api/generate` (the load) never answers: a server stuck loading; the connection is held until the client leaves. */
  loadHangs?: boolean;
}

export interface FakeOllamaServer {
  /** Base URL, e.g. `http://127.0.0.1:40123`; pass it as the backend's host. */
  url: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** The recorded requests to one path, e.g. `requestsTo("/api/chat")`. */
  requestsTo(path: string): RecordedRequest[];
  /** Appends replies for upcoming `/api/chat` calls (array scripts only). */
  reply(...replies: FakeChatReply[]): void;
  /** Resolves once a request to `path` has arrived `count` times in total (for hang/abort tests). */
  waitForRequests(path: string, count: number): Promise<void>;
  /** Stops the server and drops open connections, hanging ones included. */
  close(): Promise<void>;
}

const DEFAULT_MODEL: Required<Omit<FakeOllamaModel, "name">> = {
  architecture: "qwen2",
  contextLength: 32768,
  quantization: "Q4_K_M",
  parameterSize: "7.6B",
  capabilities: ["completion", "tools", "insert"],
  template: "{{- range .Messages }}<|im_start|>{{ .Role }}\n{{ .Content }}<|im_end|>\n{{ end }}<|im_start|>assistant\n",
};

/** Ollama's own text when `truncate: false` meets a prompt longer than num_ctx (runner/*). */
export const FAKE_CONTEXT_OVERFLOW_ERROR = "the input length exceeds the context length";

export async function startFakeOllamaServer(options: FakeOllamaServerOptions = {}): Promise<FakeOllamaServer> {
  const version = options.version ?? "0.12.6";
  const models = (options.models ?? [{ name: "qwen2.5-coder:7b" }]).map((model) => ({ ...DEFAULT_MODEL, ...model }));
  const defaultNumCtx = options.defaultNumCtx ?? 4096;
  const scripted: FakeChatReply[] = Array.isArray(options.replies) ? [...options.replies] : [];
  const chooser = typeof options.replies === "function" ? options.replies : undefined;
  const requests: RecordedRequest[] = [];
  const waiters: { path: string; count: number; resolve: () => void }[] = [];
  let chatIndex = 0;
  const loaded: FakeLoadedModel[] = (options.loaded ?? []).map((entry) => ({ ...entry }));
  const load = (name: string, numCtx: number) => {
    const size = 5_600_000_000;
    const contextLength = Math.min(numCtx, options.memory?.fitContext ?? Number.POSITIVE_INFINITY);
    const entry: FakeLoadedModel = { name, size, sizeVram: Math.round(size * (options.memory?.vramShare ?? 1)), contextLength };
    const at = loaded.findIndex((other) => canonicalName(other.name) === canonicalName(name));
    if (at >= 0) loaded.splice(at, 1, entry);
    else loaded.push(entry);
  };

  const findModel = (name: unknown) =>
    typeof name === "string" ? models.find((model) => canonicalName(model.name) === canonicalName(name)) : undefined;

  const nextReply = (body: Record<string, unknown>): FakeChatReply => {
    const index = chatIndex++;
    if (chooser) return chooser({ body, index });
    return (
      scripted.shift() ?? { error: `fake-ollama: no scripted reply left for /api/chat call #${index + 1}`, status: 500 }
    );
  };

  const handle = async (res: ServerResponse, record: RecordedRequest): Promise<void> => {
    const { method, path, body } = record;
    if ((method === "GET" || method === "HEAD") && path === "/api/version") return sendJson(res, 200, { version });
    if ((method === "GET" || method === "HEAD") && path === "/api/tags") {
      return sendJson(res, 200, { models: models.map(tagEntry) });
    }
    if (method === "POST" && path === "/api/show") {
      const name = body.model ?? body.name;
      if (typeof name !== "string" || name === "") return sendJson(res, 400, { error: "model is required" });
      const model = findModel(name);
      if (!model) return sendJson(res, 404, { error: `model '${name}' not found` });
      return sendJson(res, 200, showResponse(model));
    }
    if (method === "POST" && path === "/api/chat") return chat(res, record);
    if ((method === "GET" || method === "HEAD") && path === "/api/ps") return sendJson(res, 200, { models: loaded.map(psEntry) });
    if (method === "POST" && path === "/api/generate") {
      const model = findModel(body.model);
      if (!model) return sendJson(res, 404, { error: `model '${String(body.model)}' not found` });
      if (typeof body.prompt === "string" && body.prompt !== "") return sendJson(res, 500, { error: "fake-ollama: /api/generate only loads (empty prompt)" });
      if (options.loadError) return sendJson(res, 500, { error: options.loadError });
      if (options.loadHangs) return;
      const opts = isRecord(body.options) ? body.options : {};
      load(model.name, typeof opts.num_ctx === "number" ? opts.num_ctx : defaultNumCtx);
      return sendJson(res, 200, { model: model.name, created_at: new Date().toISOString(), response: "", done: true, done_reason: "load" });
    }
    res.writeHead(404, { "content-type": "text/plain" }).end("404 page not found");
  };

  const chat = async (res: ServerResponse, record: RecordedRequest): Promise<void> => {
    const body = record.body;
    const name = body.model;
    if (typeof name !== "string" || name === "") return sendJson(res, 400, { error: "model is required" });
    const model = findModel(name);
    if (!model) return sendJson(res, 404, { error: `model '${name}' not found` });
    if (!model.capabilities.includes("completion")) return sendJson(res, 400, { error: `"${name}" does not support chat` });
    if (body.think === true && !model.capabilities.includes("thinking")) {
      return sendJson(res, 400, { error: `"${name}" does not support thinking` });
    }

    const opts = isRecord(body.options) ? body.options : {};
    const numCtx = typeof opts.num_ctx === "number" ? opts.num_ctx : defaultNumCtx;
    load(model.name, numCtx);
    const promptTokens = estimatePromptTokens(body.messages);
    const honoursTruncateFlag = versionAtLeast(version, [0, 12, 6]);
    const overflow = promptTokens > numCtx;
    if (overflow && honoursTruncateFlag && body.truncate === false) {
      return sendJson(res, 400, { error: FAKE_CONTEXT_OVERFLOW_ERROR });
    }

    const streamed = body.stream !== false;
    const reply = nextReply(body);
    const disconnected = onceClosed(res);

    if ("emptyChunksEveryMs" in reply) {
      startStream(res);
      if (reply.partialContent !== undefined) writeLine(res, chunk(name, { content: reply.partialContent }));
      while (!(await sleepUnlessClosed(reply.emptyChunksEveryMs, disconnected))) writeLine(res, chunk(name, { content: "" }));
      return;
    }

    if ("flood" in reply) {
      startStream(res);
      const piece = "x".repeat(reply.flood.chunkSize);
      record.charsSent = 0;
      if (reply.flood.oneLine) res.write(`{"model":${JSON.stringify(name)},"message":{"role":"assistant","content":"`);
      while (record.charsSent < reply.flood.chars && !res.destroyed) {
        record.charsSent += piece.length;
        const data = reply.flood.oneLine ? piece : `${JSON.stringify(chunk(name, { content: piece }))}\n`;
        if (!res.write(data) && (await drainedOrClosed(res, disconnected))) return;
      }
      if (!res.destroyed) res.end(`${JSON.stringify(finalChunk(name, { doneReason: "stop", promptEvalCount: promptTokens, evalCount: record.charsSent }))}\n`);
      return;
    }

    if ("hang" in reply) {
      if (streamed && reply.partialContent !== undefined) {
        startStream(res);
        writeLine(res, chunk(name, { content: reply.partialContent }));
      }
      await disconnected;
      return;
    }

    if ("error" in reply) {
      if (streamed && reply.afterContent !== undefined) {
        startStream(res);
        writeLine(res, chunk(name, { content: reply.afterContent }));
        writeLine(res, { error: reply.error });
        res.end();
        return;
      }
      return sendJson(res, reply.status ?? 500, { error: reply.error });
    }

    if (reply.delayMs && (await sleepUnlessClosed(reply.delayMs, disconnected))) return;
    if (reply.until && (await Promise.race([reply.until.then(() => false), disconnected.then(() => true)]))) return;

    let content = reply.content ?? "";
    let doneReason = reply.doneReason ?? "stop";
    let evalCount = reply.evalCount ?? Math.ceil(content.length / 4);
    const numPredict = typeof opts.num_predict === "number" && opts.num_predict > 0 ? opts.num_predict : null;
    if (numPredict !== null && Math.ceil(content.length / 4) > numPredict) {
      content = content.slice(0, numPredict * 4);
      evalCount = numPredict;
      doneReason = "length";
    }
    const promptEvalCount =
      reply.promptEvalCount === null ? undefined : (reply.promptEvalCount ?? (overflow ? numCtx : promptTokens));
    const toolCalls = (reply.toolCalls ?? []).map((call, index) => ({
      id: `call_${(index + 1).toString().padStart(8, "0")}`,
      function: { index, name: call.name, arguments: call.arguments },
    }));
    const final = finalChunk(name, { doneReason, promptEvalCount, evalCount });

    if (!streamed) {
      const message: Record<string, unknown> = { role: "assistant", content };
      if (reply.thinking) message.thinking = reply.thinking;
      if (toolCalls.length > 0) message.tool_calls = toolCalls;
      return sendJson(res, 200, { ...final, message });
    }

    startStream(res);
    const pieces = [
      ...split(reply.thinking ?? "", reply.chunkSize ?? 8).map((thinking) => chunk(name, { content: "", thinking })),
      ...split(content, reply.chunkSize ?? 8).map((text) => chunk(name, { content: text })),
      ...toolCalls.map((call) => chunk(name, { content: "", tool_calls: [call] })),
    ];
    for (const piece of pieces) {
      if (reply.chunkDelayMs && (await sleepUnlessClosed(reply.chunkDelayMs, disconnected))) return;
      writeLine(res, piece);
    }
    writeLine(res, final);
    res.end();
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const record: RecordedRequest = { method: req.method ?? "GET", path: url.pathname, body: {}, clientDisconnected: false };
    res.on("close", () => {
      if (!res.writableFinished) record.clientDisconnected = true;
    });
    readBody(req)
      .then((raw) => {
        if (raw.trim() !== "") {
          let parsed: unknown;
          try {
            parsed = JSON.parse(raw);
          } catch (error) {
            requests.push(record);
            notify();
            return sendJson(res, 400, { error: error instanceof Error ? error.message : "invalid JSON" });
          }
          if (isRecord(parsed)) record.body = parsed;
        }
        requests.push(record);
        notify();
        return handle(res, record);
      })
      .catch((error: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { error: `fake-ollama: ${String(error)}` });
        else res.destroy();
      });
  });

  const notify = () => {
    for (const waiter of [...waiters]) {
      if (requests.filter((r) => r.path === waiter.path).length >= waiter.count) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };

  const { port } = await listenOnLoopback(server);

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    requestsTo: (path) => requests.filter((request) => request.path === path),
    reply: (...replies) => {
      if (chooser) throw new Error("fake-ollama: reply() needs an array script, not a reply function");
      scripted.push(...replies);
    },
    waitForRequests: (path, count) =>
      new Promise<void>((resolve) => {
        waiters.push({ path, count, resolve });
        notify();
      }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function canonicalName(name: string): string {
  const lower = name.toLowerCase();
  return lower.includes(":") ? lower : `${lower}:latest`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function estimatePromptTokens(messages: unknown): number {
  if (!Array.isArray(messages)) return 0;
  let tokens = 0;
  for (const message of messages) {
    const content = isRecord(message) && typeof message.content === "string" ? message.content : "";
    tokens += Math.ceil(content.length / 4) + 4;
  }
  return tokens;
}

function versionAtLeast(version: string, minimum: [number, number, number]): boolean {
  const parts = /^(\d+)\.(\d+)\.(\d+)/.exec(version)?.slice(1).map(Number);
  if (!parts) return true;
  for (let i = 0; i < 3; i++) {
    const difference = (parts[i] ?? 0) - (minimum[i] ?? 0);
    if (difference !== 0) return difference > 0;
  }
  return true;
}

function details(model: Required<FakeOllamaModel>) {
  return {
    parent_model: "",
    format: "gguf",
    family: model.architecture,
    families: [model.architecture],
    parameter_size: model.parameterSize,
    quantization_level: model.quantization,
  };
}

function psEntry(entry: FakeLoadedModel) {
  const size = entry.size ?? 5_600_000_000;
  return {
    name: entry.name,
    model: entry.name,
    size,
    digest: "2ae6f6dd7a3dd734790bbbf58b8909a606e0e7e97e94b7604e0aa7ae4490e6d8",
    details: { parent_model: "", format: "gguf", family: "qwen2", families: ["qwen2"], parameter_size: "7.6B", quantization_level: "Q4_K_M" },
    expires_at: new Date(Date.now() + 5 * 60_000).toISOString(),
    size_vram: entry.sizeVram ?? size,
    ...(entry.contextLength === null ? {} : { context_length: entry.contextLength ?? 4096 }),
  };
}

function tagEntry(model: Required<FakeOllamaModel>) {
  return {
    name: model.name,
    model: model.name,
    modified_at: "2025-10-01T12:00:00.000000000Z",
    size: 4_683_087_332,
    digest: "2ae6f6dd7a3dd734790bbbf58b8909a606e0e7e97e94b7604e0aa7ae4490e6d8",
    details: details(model),
  };
}

function showResponse(model: Required<FakeOllamaModel>) {
  const modelInfo: Record<string, unknown> = {
    "general.architecture": model.architecture,
    "general.file_type": 15,
    "general.parameter_count": 7_615_616_512,
    "general.quantization_version": 2,
    [`${model.architecture}.block_count`]: 28,
    [`${model.architecture}.embedding_length`]: 3584,
  };
  if (model.contextLength !== null) modelInfo[`${model.architecture}.context_length`] = model.contextLength;
  return {
    license: "",
    modelfile: `# Modelfile generated by "ollama show"\nFROM ${model.name}\n`,
    parameters: 'stop                           "<|im_end|>"',
    template: model.template,
    details: details(model),
    model_info: modelInfo,
    capabilities: model.capabilities,
    modified_at: "2025-10-01T12:00:00.000000000Z",
  };
}

function chunk(model: string, message: Record<string, unknown>) {
  return { model, created_at: new Date().toISOString(), message: { role: "assistant", ...message }, done: false };
}

function finalChunk(
  model: string,
  metrics: { doneReason: string; promptEvalCount: number | undefined; evalCount: number },
) {
  const final: Record<string, unknown> = {
    model,
    created_at: new Date().toISOString(),
    message: { role: "assistant", content: "" },
    done: true,
    done_reason: metrics.doneReason,
    total_duration: 1_200_000_000,
    load_duration: 20_000_000,
  };
  if (metrics.promptEvalCount !== undefined) {
    final.prompt_eval_count = metrics.promptEvalCount;
    final.prompt_eval_duration = 300_000_000;
  }
  final.eval_count = metrics.evalCount;
  final.eval_duration = 880_000_000;
  return final;
}

function split(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += Math.max(1, size)) pieces.push(text.slice(i, i + Math.max(1, size)));
  return pieces;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(body));
}

function startStream(res: ServerResponse): void {
  res.writeHead(200, { "content-type": "application/x-ndjson" });
  res.flushHeaders();
}

function writeLine(res: ServerResponse, value: unknown): void {
  res.write(`${JSON.stringify(value)}\n`);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on("data", (part: Buffer) => parts.push(part));
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}

/** Resolves when the client has gone away before the response finished. */
function onceClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    res.once("close", () => resolve());
  });
}

/** Waits for the socket to drain; true when the client disconnected instead. */
function drainedOrClosed(res: ServerResponse, closed: Promise<void>): Promise<boolean> {
  return Promise.race([new Promise<false>((resolve) => res.once("drain", () => resolve(false))), closed.then(() => true as const)]);
}

/** Sleeps; true when the client disconnected meanwhile (the caller then stops answering). */
async function sleepUnlessClosed(ms: number, closed: Promise<void>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const slept = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const result = await Promise.race([slept, closed.then(() => true as const)]);
  clearTimeout(timer);
  return result;
}
