import { Ollama } from "ollama";
import type { ChatRequest, ChatResponse, Message } from "ollama";
import { ModelError } from "./model-error.js";
import { buildOllamaModelInfo, type OllamaModelFacts } from "./ollama/build-ollama-model-info.js";
import { inspectOllamaLoaded } from "./ollama/inspect-ollama-loaded.js";
import { createRequestFetch } from "./ollama/create-request-fetch.js";
import { normalizeOllamaHost } from "./ollama/normalize-ollama-host.js";
import { toModelError, type OllamaErrorContext, type OllamaStage } from "./ollama/to-model-error.js";
import type { ChatMessage, ModelBackend, ModelInfo, ModelReply, ModelRequest, NativeToolCall } from "./types.js";

export interface CreateOllamaBackendParams {
  /** Model tag as Ollama knows it, e.g. `qwen2.5-coder:7b`. */
  model: string;
  /** `OLLAMA_HOST` in any form the Ollama CLI accepts; default `http://127.0.0.1:11434`. */
  host?: string;
  /** Injected fetch; default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Context window for every call; default `min(context length, 32768)`, never above the model's. */
  numCtx?: number;
  /** Default sampling temperature when a request sets none; 0.3 (0 loops more). */
  temperature?: number;
  /** Stream replies (NDJSON); default true, so slow generations start sending early. */
  stream?: boolean;
  /** Ollama `keep_alive`, e.g. `30m`; the server default when absent. */
  keepAlive?: string;
  /**
   * Ollama `think`. Default: `false` for models that report the `thinking` capability, absent
   * otherwise (see `thinkFor`).
   */
  think?: boolean | "low" | "medium" | "high";
  /** Clock for `latencyMs`; default `performance.now`. */
  now?: () => number;
}

/** `/api/chat` body: the client's type lacks `truncate`/`shift` (Ollama ≥ 0.12.6), which it forwards as-is. */
interface OllamaChatBody extends ChatRequest {
  /** false: refuse a prompt longer than num_ctx instead of dropping old messages. */
  truncate: boolean;
  /** false: stop at num_ctx instead of shifting the window mid-generation. */
  shift: boolean;
}

const DEFAULT_TEMPERATURE = 0.3;

/**
 * The `ollama:<tag>` backend: one `/api/chat` call per model request, with num_ctx always set,
 * truncation refused, grammar-constrained output through `format`, and never `tools` (Ollama
 * breaks when `tools` and `format` are combined; the agent speaks its own JSON protocol).
 */
export function createOllamaBackend(params: CreateOllamaBackendParams): ModelBackend {
  if (params.numCtx !== undefined && !(Number.isInteger(params.numCtx) && params.numCtx > 0)) {
    throw new TypeError(`numCtx must be a positive integer, got ${params.numCtx}`);
  }
  const host = normalizeOllamaHost(params.host);
  const baseFetch = params.fetch ?? globalThis.fetch;
  const now = params.now ?? (() => performance.now());
  const stream = params.stream ?? true;
  const model = params.model;
  const spec = `ollama:${model}`;

  const clientFor = (signal: AbortSignal | undefined) => new Ollama({ host, fetch: createRequestFetch(baseFetch, signal) });

  const context = (stage: OllamaStage, signal: AbortSignal | undefined, facts?: OllamaModelFacts): OllamaErrorContext => ({
    host,
    model,
    stage,
    signal,
    numCtx: facts?.info.numCtx ?? null,
    contextLength: facts?.info.contextLength ?? null,
  });

  /** Maps a failure; a missing model additionally lists what is installed (best effort). */
  const failure = async (error: unknown, ctx: OllamaErrorContext): Promise<ModelError> => {
    const mapped = toModelError(error, ctx);
    if (mapped.code !== "model_not_found") return mapped;
    return toModelError(error, { ...ctx, installedModels: await installedModels(ctx.signal) });
  };

  const installedModels = async (signal: AbortSignal | undefined): Promise<string[] | null> => {
    try {
      const list = await clientFor(signal).list();
      return list.models.map((entry) => entry.name);
    } catch {
      return null;
    }
  };

  const loadFacts = async (signal: AbortSignal | undefined): Promise<OllamaModelFacts> => {
    const client = clientFor(signal);
    let version: string | null;
    try {
      version = (await client.version()).version ?? null;
    } catch (error) {
      throw await failure(error, context("version", signal));
    }
    let show: unknown;
    try {
      show = await client.show({ model });
    } catch (error) {
      throw await failure(error, context("show", signal));
    }
    return buildOllamaModelInfo({ model, version, show, numCtx: params.numCtx });
  };

  // Memoized per backend. A failed load is forgotten so the next call retries (the server may
  // have come up). A load aborted by *another* caller's signal is retried by the callers still
  // waiting rather than handed to them as their own cancellation.
  let pending: Promise<OllamaModelFacts> | undefined;
  const facts = async (signal: AbortSignal | undefined): Promise<OllamaModelFacts> => {
    for (;;) {
      throwIfAborted(signal);
      const current =
        pending ??
        (pending = loadFacts(signal).catch((error: unknown) => {
          pending = undefined;
          throw error;
        }));
      try {
        return await raceAbort(current, signal);
      } catch (error) {
        const abortedByOther = error instanceof ModelError && error.code === "aborted" && !signal?.aborted;
        if (abortedByOther && pending !== current) continue;
        throw error;
      }
    }
  };

  const complete = async (request: ModelRequest): Promise<ModelReply> => {
    const { signal } = request;
    const modelFacts = await facts(signal);
    const body = chatBody(request, modelFacts);
    const client = clientFor(signal);
    const started = now();
    try {
      const reply = stream ? await streamedChat(client, body) : await singleChat(client, body);
      return { ...reply, latencyMs: Math.max(0, now() - started) };
    } catch (error) {
      throw await failure(error, context("chat", signal, modelFacts));
    }
  };

  const chatBody = (request: ModelRequest, modelFacts: OllamaModelFacts): OllamaChatBody => {
    const options: ChatRequest["options"] = {
      num_ctx: modelFacts.info.numCtx ?? undefined,
      temperature: request.temperature ?? params.temperature ?? DEFAULT_TEMPERATURE,
    };
    if (request.seed !== undefined) options.seed = request.seed;
    if (request.maxTokens !== undefined) options.num_predict = request.maxTokens;
    const body: OllamaChatBody = {
      model,
      messages: request.messages.map(toOllamaMessage),
      options,
      truncate: false,
      shift: false,
    };
    if (request.constraint) body.format = request.constraint.jsonSchema;
    if (params.keepAlive !== undefined) body.keep_alive = params.keepAlive;
    const think = thinkFor(params.think, modelFacts.capabilities);
    if (think !== undefined) body.think = think;
    return body;
  };

  return {
    spec,
    info: async (signal?: AbortSignal): Promise<ModelInfo> => (await facts(signal)).info,
    complete,
    inspectLoaded: async ({ warmUp, signal }) => {
      const numCtx = (await facts(signal)).info.numCtx;
      try {
        return await inspectOllamaLoaded({ host, model, numCtx, warmUp, fetch: baseFetch, signal });
      } catch (error) {
        throw await failure(error, context("ps", signal));
      }
    },
  };
}

/**
 * Thinking models (qwen3, deepseek-r1, …) think by default when `think` is absent: Ollama sets it
 * to true for any model with the `thinking` capability. We send `think: false` unless the user
 * asked otherwise, because the reasoning spends the num_predict budget and the context window the
 * loop needs (a cut-off thought leaves an empty reply) and the tool protocol already has a short
 * `thought` field. Models without the capability get no `think` key (older servers, and `true`
 * would be a 400). Whatever reasoning still arrives in `message.thinking` (gpt-oss cannot switch
 * it off) is returned as `reply.thinking`, never mixed into `content`.
 */
function thinkFor(
  configured: CreateOllamaBackendParams["think"],
  capabilities: readonly string[],
): ChatRequest["think"] | undefined {
  if (configured !== undefined) return configured;
  return capabilities.includes("thinking") ? false : undefined;
}

function toOllamaMessage(message: ChatMessage): Message {
  const converted: Message = { role: message.role, content: message.content };
  if (message.role === "tool" && message.toolName !== undefined) converted.tool_name = message.toolName;
  return converted;
}

type ReplyWithoutLatency = Omit<ModelReply, "latencyMs">;

async function streamedChat(client: Ollama, body: OllamaChatBody): Promise<ReplyWithoutLatency> {
  const streamed: OllamaChatBody & { stream: true } = { ...body, stream: true };
  const chunks = await client.chat(streamed);
  let content = "";
  let thinking = "";
  const toolCalls: NativeToolCall[] = [];
  let final: ChatResponse | undefined;
  // Since Ollama 0.8 each tool call arrives whole in one chunk, so calls are appended, not merged.
  for await (const chunk of chunks) {
    content += chunk.message?.content ?? "";
    thinking += chunk.message?.thinking ?? "";
    toolCalls.push(...(chunk.message?.tool_calls ?? []).map(toNativeToolCall));
    if (chunk.done) final = chunk;
  }
  return toReply({ content, thinking, toolCalls, final });
}

async function singleChat(client: Ollama, body: OllamaChatBody): Promise<ReplyWithoutLatency> {
  const single: OllamaChatBody & { stream: false } = { ...body, stream: false };
  const response = await client.chat(single);
  return toReply({
    content: response.message?.content ?? "",
    thinking: response.message?.thinking ?? "",
    toolCalls: (response.message?.tool_calls ?? []).map(toNativeToolCall),
    final: response,
  });
}

function toNativeToolCall(call: { function: { name: string; arguments: unknown } }): NativeToolCall {
  return { function: { name: call.function.name, arguments: call.function.arguments } };
}

function toReply(parts: {
  content: string;
  thinking: string;
  toolCalls: NativeToolCall[];
  final: ChatResponse | undefined;
}): ReplyWithoutLatency {
  const reply: ReplyWithoutLatency = { content: parts.content };
  if (parts.toolCalls.length > 0) reply.toolCalls = parts.toolCalls;
  if (parts.thinking !== "") reply.thinking = parts.thinking;
  const final = parts.final;
  if (final?.done_reason) reply.doneReason = final.done_reason;
  if (typeof final?.prompt_eval_count === "number") reply.promptTokens = final.prompt_eval_count;
  if (typeof final?.eval_count === "number") reply.completionTokens = final.eval_count;
  return reply;
}

function abortedError(signal: AbortSignal): ModelError {
  return toModelError(signal.reason, { host: "", model: "", stage: "chat", signal });
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortedError(signal);
}

/** Settles with `promise`, or rejects as soon as `signal` fires (the promise keeps running). */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortedError(signal));
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
