import { createModelFetch } from "./create-model-fetch.js";
import type { ModelRequestGuard } from "./guard-model-request.js";
import { toTemplateMessages } from "./llamacpp/to-template-messages.js";
import { ModelError } from "./model-error.js";
import { DEFAULT_MODEL_REQUEST_LIMITS, MODEL_IDLE_TIMEOUT_ENV, type ModelRequestLimits } from "./model-request-limits.js";
import { accumulateChatReply, type ChatReplyParts } from "./openai/accumulate-chat-reply.js";
import { buildOpenAiModelInfo } from "./openai/build-openai-model-info.js";
import { discoverServerFacts } from "./openai/discover-server-facts.js";
import { normalizeOpenAiBaseUrl } from "./openai/normalize-openai-base-url.js";
import { ChatCompletionSchema, ModelEntrySchema, ModelListSchema, type ModelEntry } from "./openai/openai-schemas.js";
import { probeStructuredOutput, type StructuredOutputProbe } from "./openai/probe-structured-output.js";
import { readChatStream } from "./openai/read-chat-stream.js";
import { toOpenAiError, type OpenAiFailure, type OpenAiStage } from "./openai/to-openai-error.js";
import type { ModelBackend, ModelInfo, ModelReply, ModelRequest } from "./types.js";
import { withModelRequestGuard } from "./with-model-request-guard.js";

export interface CreateOpenAiBackendParams {
  /** The model name the server knows (`qwen2.5-coder-7b-instruct`, `Qwen/Qwen2.5-Coder-7B-Instruct`, …). */
  model: string;
  /** `OPENAI_BASE_URL`; default `http://127.0.0.1:1234/v1` (LM Studio). */
  baseUrl?: string;
  /** `OPENAI_API_KEY`, sent as a bearer token when set; local servers mostly need none. */
  apiKey?: string;
  fetch?: typeof fetch;
  /** Default sampling temperature when a request sets none; 0.3 (0 loops more). */
  temperature?: number;
  /** The context window the run wants; the server's own setting is the ceiling. */
  numCtx?: number;
  /** Stream replies (server-sent events); default true, so slow generations start sending early. */
  stream?: boolean;
  /** Probe `response_format` support once (default true); false never sends it. */
  probe?: boolean;
  /** Per-request deadline, stream idle limit and reply cap; defaults DEFAULT_MODEL_REQUEST_LIMITS. */
  limits?: ModelRequestLimits;
  /** Clock for `latencyMs` (milliseconds). */
  now?: () => number;
}

/** What to check when the server stalls: OPENAI_BASE_URL, its log, how many requests it serves at once. */
export const OPENAI_STALL_HINT =
  "check that OPENAI_BASE_URL points at the server you mean, read the server's log for a stuck or crashed model, and " +
  "check how many requests it serves at once (LM Studio, vLLM and llama-server queue requests beyond their parallel slots)";

const DEFAULT_TEMPERATURE = 0.3;
/** Enough for a whole-file write of a few hundred lines; the loop passes its own limit when it has one. */
const DEFAULT_MAX_TOKENS = 4096;

interface Facts {
  info: ModelInfo;
  /** Ids from `GET /models` (null when not listed), for model-not-found messages. */
  models: string[] | null;
}

/**
 * The `openai:<model>` backend: LM Studio, vLLM, SGLang, LocalAI, llama-server's `/v1`, Ollama's
 * `/v1`, through `POST /chat/completions` with plain fetch (see the README for why not the
 * `openai` package). Streams by default (`stream_options.include_usage` for token counts), and
 * sends the tool-call schema as `response_format: {type: "json_schema"}` only if a probe, made once
 * with the model info, showed the server holds replies to it. Every request goes through `send`
 * (one signal) and every streamed reply through `readChatStream` (one reader).
 */
export function createOpenAiBackend(params: CreateOpenAiBackendParams): ModelBackend {
  const base = normalizeOpenAiBaseUrl(params.baseUrl);
  const model = params.model;
  const spec = `openai:${model}`;
  const limits = params.limits ?? DEFAULT_MODEL_REQUEST_LIMITS;
  // undici's own 300 s header and body timeouts would end (or retry) a slow CPU's long prompt: the guard's limits apply instead.
  const guardParams = { server: `the OpenAI-compatible server at ${base}`, stallHint: OPENAI_STALL_HINT, fetch: params.fetch ?? createModelFetch() };
  const now = params.now ?? (() => performance.now());
  const stream = params.stream ?? true;
  const apiKey = params.apiKey?.trim() || undefined;
  const headers: Record<string, string> = { "content-type": "application/json", ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) };
  let facts: Promise<Facts> | undefined;

  const fail = (failure: OpenAiFailure, stage: OpenAiStage, signal: AbortSignal | undefined, models?: string[] | null) =>
    toOpenAiError(failure, { base, stage, model, hasKey: apiKey !== undefined, signal, models });

  /** The one place a request is made, through the request guard's fetch (deadline, idle limit, byte cap, the caller's cancel). */
  async function send(stage: OpenAiStage, path: string, init: RequestInit, guard: ModelRequestGuard, signal: AbortSignal | undefined, models?: string[] | null): Promise<Response> {
    let response: Response;
    try {
      response = await guard.fetch(`${base}${path}`, { ...init, headers });
    } catch (error) {
      throw fail({ kind: "thrown", error }, stage, signal, models);
    }
    if (response.ok) return response;
    const body = await readText(response, stage, signal);
    throw fail({ kind: "http", status: response.status, body, contentType: response.headers.get("content-type") }, stage, signal, models);
  }

  async function readText(response: Response, stage: OpenAiStage, signal: AbortSignal | undefined): Promise<string> {
    try {
      return await response.text();
    } catch (error) {
      throw fail({ kind: "thrown", error }, stage, signal);
    }
  }

  async function readJson(response: Response, stage: OpenAiStage, signal: AbortSignal | undefined): Promise<unknown> {
    const text = await readText(response, stage, signal);
    try {
      return JSON.parse(text);
    } catch {
      throw fail({ kind: "not-api", status: response.status, sample: text.replace(/\s+/g, " ").trim().slice(0, 80) }, stage, signal);
    }
  }

  async function chat(body: Record<string, unknown>, guard: ModelRequestGuard, signal: AbortSignal | undefined, models: string[] | null): Promise<ChatReplyParts> {
    const response = await send("chat", "/chat/completions", { method: "POST", body: JSON.stringify(body) }, guard, signal, models);
    // A server that ignores `stream: true` answers one JSON object; both are read alike.
    if (body.stream === true && response.body && /event-stream/i.test(response.headers.get("content-type") ?? "")) {
      let streamed;
      try {
        streamed = await readChatStream(response.body, guard.text);
      } catch (error) {
        throw fail({ kind: "thrown", error }, "chat", signal, models);
      }
      if (streamed.kind === "done") return streamed.parts;
      if (streamed.kind === "error") throw fail({ kind: "stream-error", error: streamed.error }, "chat", signal, models);
      if (streamed.kind === "not-chat") throw fail({ kind: "not-api", status: response.status, sample: streamed.data.slice(0, 80) }, "chat", signal, models);
      throw fail({ kind: "stream-ended" }, "chat", signal, models);
    }
    const parsed = ChatCompletionSchema.safeParse(await readJson(response, "chat", signal));
    if (!parsed.success || !parsed.data.choices) throw fail({ kind: "not-api", status: response.status, sample: "a JSON object without choices" }, "chat", signal, models);
    const reply = accumulateChatReply();
    guard.text(reply.add(parsed.data));
    return reply.result();
  }

  /** `GET /models`: a wrong URL, a refused key or a dead server end here; a server that has not implemented the list (405, 501) does not. */
  async function listModels(guard: ModelRequestGuard, signal: AbortSignal | undefined): Promise<{ models: ModelEntry[] | null; problem: string | null }> {
    let response: Response;
    try {
      response = await send("models", "/models", { method: "GET" }, guard, signal);
    } catch (error) {
      const tolerated = error instanceof Error && /failed GET \/models \(HTTP (?:405|501)/.test(error.message);
      if (!tolerated) throw error;
      return { models: null, problem: error.message };
    }
    const list = ModelListSchema.safeParse(await readJson(response, "models", signal));
    if (!list.success) throw fail({ kind: "not-api", status: response.status, sample: "a JSON object without a data list" }, "models", signal);
    return { models: list.data.data.flatMap((entry) => (ModelEntrySchema.safeParse(entry).data ?? [])), problem: null };
  }

  /** Model facts and the probe must come within the idle limit: a server that stalls here would hold the run as surely as one that stalls mid-reply. */
  async function loadFacts(signal: AbortSignal | undefined): Promise<Facts> {
    const infoLimits = { ...limits, requestMs: limits.idleMs };
    const deadlineLabel = `model information must come within the idle limit (${MODEL_IDLE_TIMEOUT_ENV})`;
    return withModelRequestGuard(
      { ...guardParams, limits: infoLimits, deadlineLabel, signal, maxTokens: 64 },
      (guard) => loadFactsGuarded(guard, signal),
      (error) => (error instanceof ModelError ? error : fail({ kind: "thrown", error }, "models", signal)),
    );
  }

  async function loadFactsGuarded(guard: ModelRequestGuard, signal: AbortSignal | undefined): Promise<Facts> {
    const listed = await listModels(guard, signal);
    const ids = listed.models?.map((entry) => entry.id) ?? null;
    const noProbe: StructuredOutputProbe = { supported: false, detail: "response_format was not probed (switched off)", answeredModel: null, fingerprint: null };
    const [probe, serverFacts] = await Promise.all([
      params.probe === false ? noProbe : probeStructuredOutput({ model, chat: (body) => chat(body, guard, signal, ids) }),
      discoverServerFacts({ base, fetch: guard.fetch, headers, signal }),
    ]);
    const info = buildOpenAiModelInfo({ spec, base, model, models: listed.models, modelsProblem: listed.problem, probe, facts: serverFacts, numCtx: params.numCtx });
    return { info, models: ids };
  }

  function loaded(signal: AbortSignal | undefined): Promise<Facts> {
    // Memoized, but a failed read (server still loading, a cancelled call) is retried next time.
    facts ??= loadFacts(signal).catch((error: unknown) => {
      facts = undefined;
      throw error;
    });
    return facts;
  }

  async function complete(request: ModelRequest): Promise<ModelReply> {
    const { signal } = request;
    const known = await loaded(signal);
    const body: Record<string, unknown> = {
      model,
      messages: toTemplateMessages(request.messages),
      temperature: request.temperature ?? params.temperature ?? DEFAULT_TEMPERATURE,
      max_tokens: request.maxTokens ?? DEFAULT_MAX_TOKENS,
      stream,
    };
    if (stream) body.stream_options = { include_usage: true };
    if (request.seed !== undefined) body.seed = request.seed;
    if (request.constraint && known.info.structuredOutput?.supported) {
      body.response_format = { type: "json_schema", json_schema: { name: "tool_call", schema: request.constraint.jsonSchema } };
    }
    const started = now();
    const parts = await withModelRequestGuard(
      { ...guardParams, limits, signal, timeLeftMs: request.timeLeftMs, maxTokens: request.maxTokens ?? DEFAULT_MAX_TOKENS },
      (guard) => chat(body, guard, signal, known.models),
      (error) => (error instanceof ModelError ? error : fail({ kind: "thrown", error }, "chat", signal, known.models)),
    );
    const reply: ModelReply = { content: parts.content, latencyMs: Math.max(0, now() - started) };
    if (parts.toolCalls.length > 0) reply.toolCalls = parts.toolCalls;
    if (parts.reasoning !== "") reply.thinking = parts.reasoning;
    if (parts.finishReason !== null) reply.doneReason = parts.finishReason;
    if (parts.promptTokens !== undefined) reply.promptTokens = parts.promptTokens;
    if (parts.completionTokens !== undefined) reply.completionTokens = parts.completionTokens;
    if (parts.cachedPromptTokens !== undefined) reply.cachedPromptTokens = parts.cachedPromptTokens;
    if (parts.promptEvalMs !== undefined) reply.promptEvalMs = parts.promptEvalMs;
    if (parts.evalMs !== undefined) reply.evalMs = parts.evalMs;
    return reply;
  }

  return { spec, info: async (signal) => (await loaded(signal)).info, complete };
}
