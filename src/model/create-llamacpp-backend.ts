import { z } from "zod";
import { createModelFetch } from "./create-model-fetch.js";
import type { ModelRequestGuard } from "./guard-model-request.js";
import { withModelRequestGuard } from "./with-model-request-guard.js";
import { ModelError } from "./model-error.js";
import { DEFAULT_MODEL_REQUEST_LIMITS, MODEL_IDLE_TIMEOUT_ENV, type ModelRequestLimits } from "./model-request-limits.js";
import type { ModelBackend, ModelInfo, ModelReply, ModelRequest } from "./types.js";
import { buildLlamaCppModelInfo } from "./llamacpp/build-llamacpp-model-info.js";
import { inspectLlamaCppLoaded } from "./llamacpp/inspect-llamacpp-loaded.js";
import { readCompletionStream } from "./llamacpp/read-completion-stream.js";
import { toLlamaCppError, type LlamaCppFailure, type LlamaCppStage } from "./llamacpp/to-llamacpp-error.js";
import { toTemplateMessages, type TemplateMessage } from "./llamacpp/to-template-messages.js";

/** Temperature 0 makes small models loop more; 0.3–0.5 is the working range (DESIGN §1). */
const DEFAULT_TEMPERATURE = 0.3;
/** Enough for a whole-file write of a few hundred lines; the loop passes its own limit when it has one. */
const DEFAULT_MAX_TOKENS = 4096;

/** Model information is small and needs no prompt evaluation: it must come within the idle limit. */
const INFO_MAX_BYTES = 16 * 1024 * 1024;

/** What to check when llama-server accepts a request and then stalls. */
export const LLAMACPP_STALL_HINT =
  "check the llama-server log for a stuck or crashed slot, and its `--parallel` setting: when other clients hold every " +
  "slot, requests wait for a free one (`curl <url>/slots` shows them, if the server runs with `--slots`)";

/** The parts of a `/completion` result we read (tools/server README "Response format"). */
const CompletionSchema = z.object({
  /** The generated text (empty in the final message of a stream). */
  content: z.string().optional(),
  /** Why generation stopped: `eos`, `word` (a stop string), `limit` (n_predict), `none`. */
  stop_type: z.string().optional(),
  /** Older servers (before `stop_type`): stopped at the end-of-sequence token. */
  stopped_eos: z.boolean().optional(),
  /** Older servers: stopped at a stop string. */
  stopped_word: z.boolean().optional(),
  /** Older servers: stopped because n_predict tokens were generated. */
  stopped_limit: z.boolean().optional(),
  /** Prompt tokens, cached ones included. */
  tokens_evaluated: z.number().optional(),
  /** Generated tokens. */
  tokens_predicted: z.number().optional(),
  /** The context overflowed and llama-server dropped tokens (context shift). */
  truncated: z.boolean().optional(),
  /** Where the time went, and how much of the prompt came from the KV cache. */
  timings: z
    .object({
      /** Prompt tokens served from the KV cache. */
      cache_n: z.number().optional(),
      /** Time spent evaluating the uncached prompt tokens. */
      prompt_ms: z.number().optional(),
      /** Time spent generating. */
      predicted_ms: z.number().optional(),
    })
    .optional(),
});

/** `POST /apply-template` answer. */
const TemplateSchema = z.object({
  /** The conversation rendered with the model's own chat template, ready for `/completion`. */
  prompt: z.string(),
});

/**
 * The `llamacpp:<url>` backend: llama.cpp's `llama-server` through its native API.
 *
 * Each call renders the chat with `POST /apply-template` (the model's own chat template), then
 * generates with `POST /completion`, which takes a GBNF `grammar` and reports `truncated` and
 * `stop_type`, signals that the OpenAI-compatible endpoint hides. Streaming is the default:
 * cancelling (or the guard's deadline, idle limit or reply cap) closes the connection, which
 * makes llama-server stop generating.
 */
export function createLlamaCppBackend(params: {
  /** Base URL of llama-server, e.g. `http://127.0.0.1:8080` (a path prefix for proxies is kept). */
  url: string;
  /** Default: `createModelFetch()` (undici without its own 300 s timeouts). */
  fetch?: typeof fetch;
  /** Deadline, idle limit and reply cap of every request; default `DEFAULT_MODEL_REQUEST_LIMITS`. */
  limits?: ModelRequestLimits;
  /** Default sampling temperature, 0.3 unless given. */
  temperature?: number;
  /** The context window the run wants; llama-server's own `-c` is the ceiling. */
  numCtx?: number;
  /** Stream completions (default true); false sends one JSON request and waits for the whole reply. */
  stream?: boolean;
  /** Clock for `latencyMs` (milliseconds). */
  now?: () => number;
}): ModelBackend {
  const base = normalizeUrl(params.url);
  const spec = `llamacpp:${base}`;
  const baseFetch = params.fetch ?? createModelFetch();
  const limits = params.limits ?? DEFAULT_MODEL_REQUEST_LIMITS;
  const guardParams = { server: `llama-server at ${base}`, stallHint: LLAMACPP_STALL_HINT, fetch: baseFetch };
  const now = params.now ?? (() => performance.now());
  const stream = params.stream ?? true;
  let info: Promise<ModelInfo> | undefined;

  async function call(stage: LlamaCppStage, path: string, init: RequestInit, guard: ModelRequestGuard, signal?: AbortSignal): Promise<Response> {
    let response: Response;
    try {
      response = await guard.fetch(`${base}${path}`, init);
    } catch (error) {
      throw toLlamaCppError({ kind: "thrown", error }, { url: base, stage, signal });
    }
    if (response.ok) return response;
    const failure: LlamaCppFailure = { kind: "http", status: response.status, body: await readText(response, stage, signal) };
    throw toLlamaCppError(failure, { url: base, stage, signal });
  }

  async function readText(response: Response, stage: LlamaCppStage, signal?: AbortSignal): Promise<string> {
    try {
      return await response.text();
    } catch (error) {
      throw toLlamaCppError({ kind: "thrown", error }, { url: base, stage, signal });
    }
  }

  async function getJson(stage: LlamaCppStage, path: string, guard: ModelRequestGuard, signal?: AbortSignal): Promise<unknown> {
    const response = await call(stage, path, { method: "GET" }, guard, signal);
    return parseJson(await readText(response, stage, signal), stage, signal);
  }

  async function postJson(stage: LlamaCppStage, path: string, body: unknown, guard: ModelRequestGuard, signal?: AbortSignal): Promise<Response> {
    const init = { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
    return call(stage, path, init, guard, signal);
  }

  function parseJson(text: string, stage: LlamaCppStage, signal?: AbortSignal): unknown {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw toLlamaCppError({ kind: "thrown", error }, { url: base, stage, signal });
    }
  }

  function shapeError(path: string, what: string, error: z.ZodError): ModelError {
    return new ModelError(
      "bad_response",
      `llama-server at ${base} answered ${path} without ${what}`,
      "check that the URL points at llama-server itself and that it is a current llama.cpp build",
      { cause: error },
    );
  }

  function loadInfo(signal?: AbortSignal): Promise<ModelInfo> {
    const infoLimits = { ...limits, requestMs: limits.idleMs };
    const deadlineLabel = `model information must come within the idle limit (${MODEL_IDLE_TIMEOUT_ENV})`;
    return withModelRequestGuard(
      { ...guardParams, limits: infoLimits, deadlineLabel, signal, maxBytes: INFO_MAX_BYTES },
      async (guard) => {
        // /health first: while the model loads it is the endpoint that says so plainly (503).
        await call("health", "/health", { method: "GET" }, guard, signal);
        const props = await getJson("props", "/props", guard, signal);
        // Only the trained context length comes from here; older builds may lack it.
        const models = await getJson("models", "/v1/models", guard, signal).catch((error: unknown) => {
          if (signal?.aborted || guard.failure()) throw error;
          return null;
        });
        return buildLlamaCppModelInfo({ spec, url: base, props, models, numCtx: params.numCtx });
      },
      (error) => toLlamaCppError({ kind: "thrown", error }, { url: base, stage: "props", signal }),
    );
  }

  function complete(request: ModelRequest): Promise<ModelReply> {
    const maxTokens = request.maxTokens ?? DEFAULT_MAX_TOKENS;
    return withModelRequestGuard(
      { ...guardParams, limits, signal: request.signal, timeLeftMs: request.timeLeftMs, maxTokens },
      (guard) => completeGuarded(request, maxTokens, guard),
      (error) => toLlamaCppError({ kind: "thrown", error }, { url: base, stage: "completion", signal: request.signal }),
    );
  }

  async function completeGuarded(request: ModelRequest, maxTokens: number, guard: ModelRequestGuard): Promise<ModelReply> {
    const started = now();
    const { signal } = request;

    const messages = toTemplateMessages(request.messages);
    const templateResponse = await postJson("apply-template", "/apply-template", { messages }, guard, signal);
    const template = TemplateSchema.safeParse(parseJson(await readText(templateResponse, "apply-template", signal), "apply-template", signal));
    if (!template.success) throw shapeError("POST /apply-template", "a `prompt` string", template.error);
    const dropped = droppedMessage(messages, template.data.prompt);
    if (dropped !== null) {
      throw new ModelError(
        "model_unusable",
        `llama-server at ${base} renders the conversation without the ${dropped} message (its chat template gave ${JSON.stringify(template.data.prompt.slice(0, 60))})`,
        "check its --chat-template: with --jinja on (the default of current builds) the flag takes Jinja text, so a built-in name such as `gemma` needs `--no-jinja` before it; or leave it out to use the GGUF's own template",
      );
    }

    const body: Record<string, unknown> = {
      prompt: template.data.prompt,
      n_predict: maxTokens,
      temperature: request.temperature ?? params.temperature ?? DEFAULT_TEMPERATURE,
      cache_prompt: true,
      stream,
    };
    if (request.seed !== undefined) body.seed = request.seed;
    // The constraint is never dropped: without GBNF the server compiles the JSON schema itself.
    if (request.constraint?.gbnf) body.grammar = request.constraint.gbnf;
    else if (request.constraint) body.json_schema = request.constraint.jsonSchema;

    const response = await postJson("completion", "/completion", body, guard, signal);
    const context = { url: base, stage: "completion", signal } as const;
    let streamedContent: string | undefined;
    let final: unknown;
    if (stream && response.body) {
      let streamed;
      try {
        streamed = await readCompletionStream(response.body, guard.text);
      } catch (error) {
        throw toLlamaCppError({ kind: "thrown", error }, context);
      }
      if (streamed.kind === "error") throw toLlamaCppError({ kind: "stream-error", error: streamed.error }, context);
      if (streamed.kind === "ended") throw toLlamaCppError({ kind: "stream-ended" }, context);
      streamedContent = streamed.content;
      final = streamed.final;
    } else {
      final = parseJson(await readText(response, "completion", signal), "completion", signal);
    }

    const parsed = CompletionSchema.safeParse(final);
    if (!parsed.success) throw shapeError("POST /completion", "a completion object", parsed.error);
    const result = parsed.data;
    const content = streamedContent ?? result.content ?? "";
    if (streamedContent === undefined) guard.text(content);

    const reply: ModelReply = { content, latencyMs: Math.max(0, now() - started) };
    const doneReason = doneReasonOf(result);
    if (doneReason !== undefined) reply.doneReason = doneReason;
    if (result.tokens_evaluated !== undefined) reply.promptTokens = result.tokens_evaluated;
    if (result.tokens_predicted !== undefined) reply.completionTokens = result.tokens_predicted;
    if (result.truncated !== undefined) reply.inputTruncated = result.truncated;
    if (result.timings?.cache_n !== undefined) reply.cachedPromptTokens = result.timings.cache_n;
    if (result.timings?.prompt_ms !== undefined) reply.promptEvalMs = result.timings.prompt_ms;
    if (result.timings?.predicted_ms !== undefined) reply.evalMs = result.timings.predicted_ms;
    return reply;
  }

  return {
    spec,
    info(signal) {
      // Memoized per backend, but a failed read (server still loading, a cancelled call) is retried next time.
      info ??= loadInfo(signal).catch((error: unknown) => {
        info = undefined;
        throw error;
      });
      return info;
    },
    complete,
    // Two small GETs, under the same guard and limit as the model information.
    inspectLoaded: ({ signal }) =>
      withModelRequestGuard(
        { ...guardParams, limits: { ...limits, requestMs: limits.idleMs }, deadlineLabel: `the loaded state must come within the idle limit (${MODEL_IDLE_TIMEOUT_ENV})`, signal, maxBytes: INFO_MAX_BYTES },
        (guard) => inspectLlamaCppLoaded({ url: base, fetch: guard.fetch, signal: guard.signal }),
        (error) => toLlamaCppError({ kind: "thrown", error }, { url: base, stage: "props", signal }),
      ),
  };
}

function doneReasonOf(result: z.infer<typeof CompletionSchema>): string | undefined {
  switch (result.stop_type) {
    case "limit":
      return "length";
    case "eos":
    case "word":
      return "stop";
    case undefined:
      break;
    default:
      return result.stop_type;
  }
  if (result.stopped_limit) return "length";
  if (result.stopped_eos || result.stopped_word) return "stop";
  return undefined;
}

function normalizeUrl(url: string): string {
  const trimmed = url.trim();
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    throw new Error(`llamacpp: "${url}" is not a URL; give llama-server's address, e.g. llamacpp:http://127.0.0.1:8080`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new Error(`llamacpp: "${url}" is not an http(s) URL; give llama-server's address, e.g. llamacpp:http://127.0.0.1:8080`);
  }
  return trimmed.replace(/\/+$/, "");
}

/**
 * A chat template that leaves a message out of the prompt (seen on a real llama-server: with
 * `--jinja`, `--chat-template gemma` is the literal text "gemma") makes every turn blind. The
 * check is cheap: the first characters of each message must appear in the rendered prompt.
 * Returns the first missing message's role, or null.
 */
function droppedMessage(messages: readonly TemplateMessage[], prompt: string): string | null {
  for (const message of messages) {
    const probe = message.content.trim().slice(0, 32);
    if (probe !== "" && !prompt.includes(probe)) return message.role;
  }
  return null;
}
