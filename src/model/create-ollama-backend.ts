import { Ollama } from "ollama";
import type { ChatRequest, Message } from "ollama";
import { createModelFetch } from "./create-model-fetch.js";
import { withModelRequestGuard } from "./with-model-request-guard.js";
import { ModelError } from "./model-error.js";
import { DEFAULT_MODEL_REQUEST_LIMITS, MODEL_IDLE_TIMEOUT_ENV, type ModelRequestLimits } from "./model-request-limits.js";
import { buildOllamaModelInfo, type OllamaModelFacts } from "./ollama/build-ollama-model-info.js";
import { inspectOllamaLoaded } from "./ollama/inspect-ollama-loaded.js";
import { createRequestFetch } from "./ollama/create-request-fetch.js";
import { normalizeOllamaHost } from "./ollama/normalize-ollama-host.js";
import { runOllamaChat, type OllamaChatBody } from "./ollama/run-ollama-chat.js";
import { toModelError, type OllamaErrorContext, type OllamaStage } from "./ollama/to-model-error.js";
import type { ChatMessage, ModelBackend, ModelInfo, ModelReply, ModelRequest } from "./types.js";

export interface CreateOllamaBackendParams {
  /** Model tag as Ollama knows it, e.g. `qwen2.5-coder:7b`. */
  model: string;
  /** `OLLAMA_HOST` in any form the Ollama CLI accepts; default `http://127.0.0.1:11434`. */
  host?: string;
  /** Injected fetch; default `createModelFetch()` (undici without its own 300 s timeouts). */
  fetch?: typeof fetch;
  /** Deadline, idle limit and reply cap of every request; default `DEFAULT_MODEL_REQUEST_LIMITS`. */
  limits?: ModelRequestLimits;
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

const DEFAULT_TEMPERATURE = 0.3;
/** Model information is small and needs no prompt evaluation: it must come within the idle limit. */
const INFO_MAX_BYTES = 16 * 1024 * 1024;

/** What to check when Ollama accepts a request and then stalls. */
export const OLLAMA_STALL_HINT =
  "check that OLLAMA_HOST points at the Ollama server you mean, read the server's log (`journalctl -u ollama`, or the " +
  "`ollama serve` output) for a stuck or crashed model runner, and check OLLAMA_NUM_PARALLEL: when other clients hold " +
  "every parallel slot, requests wait in Ollama's queue";

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
  const baseFetch = params.fetch ?? createModelFetch();
  const limits = params.limits ?? DEFAULT_MODEL_REQUEST_LIMITS;
  const server = `Ollama at ${host}`;
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
      // Best effort, so it gets the idle limit and no more.
      const timeout = AbortSignal.timeout(limits.idleMs);
      const list = await clientFor(signal ? AbortSignal.any([signal, timeout]) : timeout).list();
      return list.models.map((entry) => entry.name);
    } catch {
      return null;
    }
  };

  const loadFacts = (signal: AbortSignal | undefined): Promise<OllamaModelFacts> =>
    withModelRequestGuard(
      {
        server,
        stallHint: OLLAMA_STALL_HINT,
        limits: { ...limits, requestMs: limits.idleMs },
        deadlineLabel: `model information must come within the idle limit (${MODEL_IDLE_TIMEOUT_ENV})`,
        fetch: baseFetch,
        signal,
        maxBytes: INFO_MAX_BYTES,
      },
      async (guard) => {
        const client = new Ollama({ host, fetch: createRequestFetch(guard.fetch, undefined) });
        let version: string | null;
        try {
          version = (await client.version()).version ?? null;
        } catch (error) {
          throw guard.failure() ?? (await failure(error, context("version", signal)));
        }
        let show: unknown;
        try {
          show = await client.show({ model });
        } catch (error) {
          throw guard.failure() ?? (await failure(error, context("show", signal)));
        }
        const facts = buildOllamaModelInfo({ model, version, show, numCtx: params.numCtx });
        if (facts.unusable) {
          throw new ModelError(
            "model_unusable",
            facts.unusable,
            `re-create it with a Modelfile TEMPLATE that renders every message (for ChatML models: TEMPLATE """{{- range .Messages }}<|im_start|>{{ .Role }}\n{{ .Content }}<|im_end|>\n{{ end }}<|im_start|>assistant\n"""), or pull the model's official tag`,
          );
        }
        return facts;
      },
      (error) => toModelError(error, context("show", signal)),
    );

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
    const started = now();
    return withModelRequestGuard(
      { server, stallHint: OLLAMA_STALL_HINT, limits, fetch: baseFetch, signal, timeLeftMs: request.timeLeftMs, maxTokens: request.maxTokens },
      async (guard) => {
        const client = new Ollama({ host, fetch: createRequestFetch(guard.fetch, undefined) });
        const reply = await runOllamaChat({ client, body, stream, guard });
        return { ...reply, latencyMs: Math.max(0, now() - started) };
      },
      (error) => failure(error, context("chat", signal, modelFacts)),
    );
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
      // Loading the model (the warm-up) is a model request like any other: it gets the request
      // limit; only looking at /api/ps must answer within the idle limit, like the model facts.
      const looking = { limits: { ...limits, requestMs: limits.idleMs }, deadlineLabel: `the loaded state must come within the idle limit (${MODEL_IDLE_TIMEOUT_ENV})` };
      return withModelRequestGuard(
        { server, stallHint: OLLAMA_STALL_HINT, fetch: baseFetch, signal, maxBytes: INFO_MAX_BYTES, ...(warmUp ? { limits } : looking) },
        (guard) => inspectOllamaLoaded({ host, model, numCtx, warmUp, fetch: guard.fetch, signal: guard.signal }),
        (error) => failure(error, context("ps", signal)),
      );
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
