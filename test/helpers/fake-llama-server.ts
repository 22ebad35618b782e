import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { listenOnLoopback } from "./listen-on-loopback.js";
import { compileGbnf } from "./gbnf-recognizer.js";

/**
 * A stand-in for llama.cpp's `llama-server` on 127.0.0.1 (random port), speaking the shapes its
 * native API documents (tools/server/README.md): `GET /health`, `GET /props`, `GET /v1/models`,
 * `GET /slots`, `POST /apply-template`, and `POST /completion` streamed (server-sent events) or not. It records
 * every request and answers `/completion` from a queue of scripted replies.
 *
 * Like the real server it refuses a prompt longer than its context with 400
 * `exceed_context_size_error` (tokens estimated as characters / 4), answers 503 "Loading model"
 * everywhere while `loading` is set, and refuses a grammar that does not compile with 400
 * "Failed to parse grammar" (checked with the test GBNF recognizer).
 */
export async function startFakeLlamaServer(options: FakeLlamaOptions = {}): Promise<FakeLlamaServer> {
  const state = {
    nCtx: options.nCtx ?? 32768,
    nCtxTrain: options.nCtxTrain ?? 131072,
    modelPath: options.modelPath ?? "/models/Qwen2.5-Coder-7B-Instruct-Q5_K_M.gguf",
    alias: options.alias ?? "",
    buildInfo: options.buildInfo ?? "b6500-0123abcd",
    totalSlots: options.totalSlots ?? 1,
    loading: options.loading ?? false,
    // Current builds name the file type themselves, in llama.cpp's long form; null: an older build.
    ftype: options.ftype === undefined ? "Q5_K - Medium" : options.ftype,
    literalTemplate: options.literalTemplate ?? null,
  };
  const requests: RecordedRequest[] = [];
  const replies: FakeCompletionReply[] = [];
  const stallWaiters: (() => void)[] = [];
  const pendingTimers = new Set<NodeJS.Timeout>();
  let disconnects = 0;
  let floodCharsSent = 0;

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, errorBody(500, String(error), "server_error"));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    let body: unknown = null;
    if (text !== "") {
      try {
        body = JSON.parse(text);
      } catch {
        sendJson(res, 400, errorBody(400, "Invalid JSON in request body", "invalid_request_error"));
        return;
      }
    }
    const recorded: RecordedRequest = { method: req.method ?? "GET", path, body };
    requests.push(recorded);

    if (state.loading) {
      sendJson(res, 503, errorBody(503, "Loading model", "unavailable_error"));
      return;
    }

    const route = `${recorded.method} ${path}`;
    switch (route) {
      case "GET /health":
      case "GET /v1/health":
        sendJson(res, 200, { status: "ok" });
        return;
      case "GET /props":
        sendJson(res, 200, propsBody());
        return;
      case "GET /slots":
        // `--no-slots` answers 501, as llama-server does.
        if (options.slotsDisabled) sendJson(res, 501, errorBody(501, "This server does not support slots endpoint.", "not_supported_error"));
        else sendJson(res, 200, Array.from({ length: state.totalSlots }, (_, id) => ({ id, id_task: -1, n_ctx: state.nCtx, is_processing: (options.busySlots ?? 0) > id })));
        return;
      case "GET /v1/models":
      case "GET /models":
        sendJson(res, 200, modelsBody());
        return;
      case "POST /apply-template":
        applyTemplate(body, res);
        return;
      case "POST /completion":
      case "POST /completions":
        await completion(body, res);
        return;
      default:
        sendJson(res, 404, errorBody(404, "File Not Found", "not_found_error"));
    }
  }

  function propsBody(): Record<string, unknown> {
    return {
      default_generation_settings: {
        id: 0,
        id_task: -1,
        n_ctx: state.nCtx,
        speculative: false,
        is_processing: false,
        params: { n_predict: -1, seed: 4294967295, temperature: 0.800000011920929, top_k: 40, top_p: 0.949999988079071, grammar: "" },
      },
      total_slots: state.totalSlots,
      model_alias: state.alias,
      model_path: state.modelPath,
      ...(state.ftype === null ? {} : { model_ftype: state.ftype }),
      chat_template: "{% for message in messages %}<|im_start|>{{ message.role }}\n{{ message.content }}<|im_end|>\n{% endfor %}",
      chat_template_caps: {},
      modalities: { vision: false, audio: false },
      build_info: state.buildInfo,
      is_sleeping: false,
    };
  }

  function modelsBody(): Record<string, unknown> {
    return {
      object: "list",
      data: [
        {
          id: state.alias || state.modelPath,
          object: "model",
          created: 1735142223,
          owned_by: "llamacpp",
          meta: { vocab_type: 2, n_vocab: 152064, n_ctx_train: state.nCtxTrain, n_embd: 3584, n_params: 7615616512, size: 5444831232, ...(state.ftype === null ? {} : { ftype: state.ftype }) },
        },
      ],
    };
  }

  function applyTemplate(body: unknown, res: ServerResponse): void {
    const messages = isRecord(body) ? body.messages : undefined;
    if (!Array.isArray(messages) || !messages.every((m) => isRecord(m) && typeof m.role === "string" && typeof m.content === "string")) {
      sendJson(res, 400, errorBody(400, "'messages' is required and must be an array of {role, content}", "invalid_request_error"));
      return;
    }
    // ChatML, what Qwen's template renders, with the generation prompt appended; or the literal
    // text a real server renders when `--chat-template <name>` meets `--jinja`.
    const prompt = state.literalTemplate ?? 
      messages.map((m: Record<string, unknown>) => `<|im_start|>${String(m.role)}\n${String(m.content)}<|im_end|>\n`).join("") +
      "<|im_start|>assistant\n";
    sendJson(res, 200, { prompt });
  }

  async function completion(body: unknown, res: ServerResponse): Promise<void> {
    if (!isRecord(body) || typeof body.prompt !== "string") {
      sendJson(res, 400, errorBody(400, '"prompt" must be provided', "invalid_request_error"));
      return;
    }
    if (typeof body.grammar === "string" && body.grammar !== "") {
      try {
        compileGbnf(body.grammar);
      } catch {
        sendJson(res, 400, errorBody(400, "Failed to parse grammar", "invalid_request_error"));
        return;
      }
    }
    const promptTokens = Math.ceil(body.prompt.length / 4);
    if (promptTokens >= state.nCtx) {
      sendJson(res, 400, {
        error: {
          code: 400,
          message: `request (${promptTokens} tokens) exceeds the available context size (${state.nCtx} tokens), try increasing it`,
          type: "exceed_context_size_error",
          n_prompt_tokens: promptTokens,
          n_ctx: state.nCtx,
        },
      });
      return;
    }

    const reply = replies.shift() ?? { content: '{"tool":"run_tests","args":{}}' };
    res.on("close", () => {
      if (!res.writableEnded) disconnects++;
    });
    if (reply.delayMs) await sleep(reply.delayMs, res);
    if (res.destroyed) return;
    if (reply.error) {
      sendJson(res, reply.error.status, reply.error.body);
      return;
    }

    const content = reply.content ?? "";
    const predicted = reply.tokensPredicted ?? Math.max(1, Math.ceil(content.length / 4));
    const evaluated = reply.tokensEvaluated ?? promptTokens;
    const final: Record<string, unknown> = {
      index: 0,
      content,
      tokens: [],
      id_slot: 0,
      stop: true,
      model: state.alias || state.modelPath,
      tokens_predicted: predicted,
      tokens_evaluated: evaluated,
      generation_settings: { n_ctx: state.nCtx, n_predict: body.n_predict, temperature: body.temperature, grammar: body.grammar ?? "" },
      prompt: body.prompt,
      has_new_line: content.includes("\n"),
      truncated: reply.truncated ?? false,
      stopping_word: "",
      tokens_cached: 0,
      // As a real llama-server: the prompt splits into tokens from the KV cache and tokens evaluated now.
      timings: { cache_n: reply.cachedTokens ?? 0, prompt_n: evaluated - (reply.cachedTokens ?? 0), prompt_ms: 12.5, predicted_n: predicted, predicted_ms: 80.1 },
    };
    if (reply.legacyStopFields) {
      final.stopped_eos = (reply.stopType ?? "eos") === "eos";
      final.stopped_word = reply.stopType === "word";
      final.stopped_limit = reply.stopType === "limit";
    } else {
      final.stop_type = reply.stopType ?? "eos";
    }

    if (body.stream !== true) {
      if (reply.hang) return stall();
      sendJson(res, 200, final);
      return;
    }

    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    res.write(": ping\n\n");
    const chunks = reply.chunks ?? splitEvery(content, 3);
    chunks.forEach((piece, i) => {
      const partial = { index: 0, content: piece, tokens: [i], stop: false, id_slot: -1, tokens_predicted: i + 1, tokens_evaluated: evaluated };
      res.write(`data: ${JSON.stringify(partial)}\n\n`);
    });
    if (reply.hang) return stall();
    if (reply.emptyChunksEveryMs !== undefined) {
      const empty = `data: ${JSON.stringify({ index: 0, content: "", tokens: [], stop: false, id_slot: -1 })}\n\n`;
      const timer = setInterval(() => res.write(empty), reply.emptyChunksEveryMs);
      pendingTimers.add(timer);
      res.once("close", () => {
        clearInterval(timer);
        pendingTimers.delete(timer);
      });
      return;
    }
    if (reply.flood) {
      const piece = "x".repeat(reply.flood.chunkSize);
      floodCharsSent = 0;
      while (floodCharsSent < reply.flood.chars && !res.destroyed) {
        floodCharsSent += piece.length;
        const event = `data: ${JSON.stringify({ index: 0, content: piece, tokens: [], stop: false, id_slot: -1, tokens_evaluated: evaluated })}\n\n`;
        if (!res.write(event)) await drainedOrClosed(res);
      }
      if (!res.destroyed) res.end(`data: ${JSON.stringify({ ...final, content: "" })}\n\n`);
      return;
    }
    if (reply.streamError !== undefined) {
      res.end(`error: ${JSON.stringify({ error: reply.streamError })}\n\n`);
      return;
    }
    if (reply.endEarly) {
      res.end();
      return;
    }
    res.end(`data: ${JSON.stringify({ ...final, content: "" })}\n\n`);
  }

  // Keeps the response open until the client goes away (or the server closes). Not streamed,
  // nothing at all has been sent, as with a real server still generating.
  function stall(): void {
    for (const waiter of stallWaiters.splice(0)) waiter();
  }

  function sleep(ms: number, res: ServerResponse): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      pendingTimers.add(timer);
      res.once("close", done);
      function done(): void {
        clearTimeout(timer);
        pendingTimers.delete(timer);
        resolve();
      }
    });
  }

  const { port } = await listenOnLoopback(server);

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    completions: () => requests.filter((r) => r.path === "/completion").map((r) => (isRecord(r.body) ? r.body : {})),
    reply: (...next) => {
      replies.push(...next);
    },
    setLoading: (loading) => {
      state.loading = loading;
    },
    stalled: () => new Promise<void>((resolve) => stallWaiters.push(resolve)),
    get disconnects() {
      return disconnects;
    },
    get floodCharsSent() {
      return floodCharsSent;
    },
    close: async () => {
      for (const timer of pendingTimers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface FakeLlamaOptions {
  /** Context of one slot (`default_generation_settings.n_ctx`); default 32768. */
  nCtx?: number;
  /** `n_ctx_train` in `/v1/models`; default 131072. */
  nCtxTrain?: number;
  /** `model_path` in `/props`; default a Qwen2.5-Coder Q5_K_M file. */
  modelPath?: string;
  /** `--alias`; default none. */
  alias?: string;
  /** `build_info`; default `b6500-0123abcd`. */
  buildInfo?: string;
  /** `--parallel`; default 1. */
  totalSlots?: number;
  /** Start in the "Loading model" state. */
  loading?: boolean;
  /** `GET /slots` answers 501 (`--no-slots`). */
  slotsDisabled?: boolean;
  /** How many slots `GET /slots` shows as processing; default 0. */
  busySlots?: number;
  /** `model_ftype` in `/props` and `meta.ftype` in `/v1/models`; default `Q5_K - Medium`; null leaves them out (older builds). */
  ftype?: string | null;
  /** `/apply-template` renders this text whatever the messages (a real `--jinja --chat-template gemma` renders "gemma"). */
  literalTemplate?: string;
}

/** One scripted `/completion` answer; an empty queue answers `{"tool":"run_tests","args":{}}`. */
export interface FakeCompletionReply {
  /** The generated text. */
  content?: string;
  /** How a streamed answer splits `content` (default: 3-character pieces). */
  chunks?: string[];
  /** `stop_type`; default `eos`. */
  stopType?: "eos" | "limit" | "word" | "none";
  /** The `truncated` flag (context shift happened). */
  truncated?: boolean;
  /** Default: prompt characters / 4. */
  /** Of `tokensEvaluated`, how many came from the KV cache (`timings.cache_n`); default 0. */
  cachedTokens?: number;
  tokensEvaluated?: number;
  /** Default: content characters / 4. */
  tokensPredicted?: number;
  /** Wait before answering. */
  delayMs?: number;
  /** Never finish: no answer (not streamed) or no final message (streamed) until the client leaves. */
  hang?: boolean;
  /** Streamed: after the chunks, an empty `data:` message (`"content": ""`) every few ms, never a final one. */
  emptyChunksEveryMs?: number;
  /**
   * Streamed: run on regardless of `n_predict`: `chars` characters in pieces of `chunkSize`,
   * written with backpressure until the client leaves (`floodCharsSent` says how far it got).
   */
  flood?: { chars: number; chunkSize: number };
  /** Answer with this status and JSON body instead of a completion. */
  error?: { status: number; body: unknown };
  /** Streamed: end with an `error:` event carrying this object instead of the final message. */
  streamError?: unknown;
  /** Streamed: close the stream after the chunks, without a final message. */
  endEarly?: boolean;
  /** Report `stopped_eos`/`stopped_word`/`stopped_limit` like servers before `stop_type`. */
  legacyStopFields?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** Parsed JSON body, or null when there was none. */
  body: unknown;
}

export interface FakeLlamaServer {
  /** Base URL, `http://127.0.0.1:<port>`. */
  url: string;
  /** Every request, in arrival order. */
  requests: RecordedRequest[];
  /** Bodies of the `/completion` requests. */
  completions(): Record<string, unknown>[];
  /** Queues answers for the next `/completion` requests. */
  reply(...replies: FakeCompletionReply[]): void;
  setLoading(loading: boolean): void;
  /** Resolves when the next hanging reply has sent all it will send. */
  stalled(): Promise<void>;
  /** `/completion` requests the client closed before the answer was complete. */
  readonly disconnects: number;
  /** Characters the last flood reply wrote before the client left. */
  readonly floodCharsSent: number;
  close(): Promise<void>;
}

/** llama-server's error shape (`format_error_response`). */
function errorBody(code: number, message: string, type: string): Record<string, unknown> {
  return { error: { code, message, type } };
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

/** Resolves when the socket has drained or the client has gone, leaving no listener behind. */
function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
