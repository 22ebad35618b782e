import { abortModelError } from "../abort-model-error.js";
import { collectErrorCodes, transportReasonOf } from "../collect-error-codes.js";
import { ModelError } from "../model-error.js";
import { closestModelNames } from "../ollama/closest-model-names.js";
import { DEFAULT_OPENAI_BASE_URL } from "./normalize-openai-base-url.js";

/** Which call failed; it decides how a 404 reads. */
export type OpenAiStage = "models" | "chat";

export type OpenAiFailure =
  /** A non-2xx answer; `body` is the raw text. */
  | { kind: "http"; status: number; body: string; contentType: string | null }
  /** A 2xx answer that is not this API: a web page, another service's JSON. */
  | { kind: "not-api"; status: number; sample: string }
  /** A streamed reply carried an error object. */
  | { kind: "stream-error"; error: unknown }
  /** The stream ended before the reply was complete. */
  | { kind: "stream-ended" }
  /** fetch or reading the body threw. */
  | { kind: "thrown"; error: unknown };

export interface OpenAiErrorContext {
  /** The base URL, in every message so the user sees which server was asked. */
  base: string;
  stage: OpenAiStage;
  model: string;
  /** Whether OPENAI_API_KEY was set: decides how a 401 reads. */
  hasKey: boolean;
  signal?: AbortSignal;
  /** Ids from `GET /models`, when known: a missing model names the closest ones. */
  models?: readonly string[] | null;
}

const PATHS: Record<OpenAiStage, string> = { models: "GET /models", chat: "POST /chat/completions" };
const BASE_HINT = `set OPENAI_BASE_URL to the server's OpenAI base URL, usually ending in /v1 (e.g. OPENAI_BASE_URL=${DEFAULT_OPENAI_BASE_URL})`;
const CONTEXT_OVERFLOW =
  /maximum context length|context[_ ]length[_ ]exceeded|exceeds the available context size|exceed_context_size|greater than the context length|context (?:size|window) (?:has been )?exceeded|too many tokens|prompt is too long|longer than the model'?s context/i;
const MODEL_MISSING = /model[^.]*(?:does not exist|not found|is not (?:loaded|available)|invalid model identifier)|no such model|unknown model|model_not_found|invalid model/i;
const LOADING = /loading model|model is loading|not ready/i;
const TIMEOUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

/**
 * Maps a failed call to an OpenAI-compatible server onto a ModelError whose message names the
 * cause and whose hint names the fix. Error bodies come in the servers' own shapes: OpenAI's and
 * llama-server's `{"error": {"message", "type", "code"}}`, vLLM's older top-level
 * `{"object": "error", "message"}`, LM Studio's `{"error": "text"}`; proxies answer HTML.
 */
export function toOpenAiError(failure: OpenAiFailure, context: OpenAiErrorContext): ModelError {
  if (failure.kind === "thrown" && failure.error instanceof ModelError) return failure.error;
  const cause = failure.kind === "thrown" || failure.kind === "stream-error" ? failure.error : undefined;
  if (context.signal?.aborted) return abortModelError({ signal: context.signal, cause, server: `the server at ${context.base}` });
  const where = `the OpenAI-compatible server at ${context.base}`;
  switch (failure.kind) {
    case "http":
      return fromHttp(failure, context);
    case "not-api":
      return new ModelError(
        "bad_response",
        `${context.base} answered ${PATHS[context.stage]} with something that is not the OpenAI API (HTTP ${failure.status}: ${JSON.stringify(failure.sample)})`,
        `it looks like a web page or another service; ${BASE_HINT}`,
      );
    case "stream-error":
      return fromServerError(null, readServerError(failure.error), context, failure.error);
    case "stream-ended":
      return new ModelError("unreachable", `${where} closed the reply stream before the reply was complete`, "the server may have crashed or run out of memory: check its log; the run retries");
    case "thrown":
      return fromThrown(failure.error, context);
  }
}

interface ServerError {
  message: string;
  code: string | null;
}

function readServerError(body: unknown): ServerError {
  let value = body;
  if (typeof body === "string") {
    try {
      value = JSON.parse(body);
    } catch {
      return { message: body.trim().slice(0, 300), code: null };
    }
  }
  const record = isRecord(value) ? value : {};
  const error = "error" in record ? record.error : record;
  if (typeof error === "string") return { message: error, code: null };
  if (!isRecord(error)) return { message: JSON.stringify(value)?.slice(0, 300) ?? "", code: null };
  const code = typeof error.code === "string" ? error.code : typeof error.type === "string" ? error.type : null;
  return { message: typeof error.message === "string" ? error.message : JSON.stringify(error), code };
}

function fromHttp(failure: Extract<OpenAiFailure, { kind: "http" }>, context: OpenAiErrorContext): ModelError {
  const html = /html/i.test(failure.contentType ?? "") || /^\s*</.test(failure.body);
  if (html || (failure.status === 404 && !/^\s*\{/.test(failure.body))) {
    const sample = failure.body.replace(/\s+/g, " ").trim().slice(0, 80);
    return new ModelError(
      "bad_response",
      `${context.base} has no OpenAI API: ${PATHS[context.stage]} answered HTTP ${failure.status}${html ? " with an HTML page" : ""} (${JSON.stringify(sample)})`,
      baseHint(context.base),
    );
  }
  return fromServerError(failure.status, readServerError(failure.body), context, failure.body);
}

function fromServerError(status: number | null, error: ServerError, context: OpenAiErrorContext, cause: unknown): ModelError {
  const where = `the OpenAI-compatible server at ${context.base}`;
  const quoted = JSON.stringify(error.message.replace(/\s*\n\s*/g, " "));
  const statusText = status === null ? "an error in the stream" : `HTTP ${status}`;
  const options = { cause };

  if (status === 401 || status === 403) {
    return new ModelError(
      "bad_response",
      `${where} refused the request: not authorized (${statusText}: ${quoted})`,
      context.hasKey
        ? "the server rejected OPENAI_API_KEY: set it to the key the server was started with (llama-server --api-key, vLLM --api-key, LM Studio's server settings)"
        : "the server wants an API key: set OPENAI_API_KEY to the key it was started with",
      options,
    );
  }
  if (status === 503 || LOADING.test(error.message)) {
    return new ModelError("unreachable", `${where} is not ready (${statusText}: ${quoted})`, "wait until the model has loaded; the run retries by itself", options);
  }
  if (status === 429) {
    return new ModelError("unreachable", `${where} is busy (${statusText}: ${quoted})`, "wait for other requests to finish, or give the server more parallel slots; the run retries", options);
  }
  if (error.code === "context_length_exceeded" || error.code === "exceed_context_size_error" || CONTEXT_OVERFLOW.test(error.message)) {
    return new ModelError(
      "context_overflow",
      `the prompt does not fit the context window of ${context.model} at ${context.base}: ${quoted}`,
      "the agent shrinks its context and retries; if this keeps happening, load the model with a larger context (llama-server -c, vLLM --max-model-len, LM Studio's context length) or give the task fewer or smaller files",
      options,
    );
  }
  if (error.code === "model_not_found" || (status !== null && [400, 404, 422].includes(status) && MODEL_MISSING.test(error.message))) {
    return modelNotFound(context, cause);
  }
  if (status === 404) {
    return new ModelError("bad_response", `${where} has no ${PATHS[context.stage]} (HTTP 404: ${quoted})`, baseHint(context.base), options);
  }
  return new ModelError("bad_response", `${where} failed ${PATHS[context.stage]} (${statusText}: ${quoted})`, "check the server's log for the cause", options);
}

/** The base URL hint, with the likely fix when the URL lacks the usual `/v1`. */
function baseHint(base: string): string {
  return /\/v\d+$/.test(base) ? BASE_HINT : `${BASE_HINT}; did you mean ${base}/v1?`;
}

function modelNotFound(context: OpenAiErrorContext, cause: unknown): ModelError {
  const listed = context.models ?? null;
  const hint =
    listed === null
      ? "check the model name with `curl $OPENAI_BASE_URL/models`"
      : listed.length === 0
        ? "the server lists no models: load one first (LM Studio: `lms load <model>`)"
        : `use one it serves, e.g. --model openai:${closestModelNames({ wanted: context.model, installed: listed })[0]} (it serves: ${closestModelNames({ wanted: context.model, installed: listed, limit: 5 }).join(", ")})`;
  return new ModelError("model_not_found", `the OpenAI-compatible server at ${context.base} does not serve the model "${context.model}"`, hint, { cause });
}

function fromThrown(error: unknown, context: OpenAiErrorContext): ModelError {
  const codes = collectErrorCodes(error);
  if (codes.some((code) => TIMEOUT_CODES.has(code))) {
    return new ModelError(
      "timeout",
      `the server at ${context.base} sent no reply in time (${PATHS[context.stage]})`,
      "a long prompt on a slow machine can exceed Node's fetch timeout: keep streaming on (the default) or use a smaller model",
      { cause: error },
    );
  }
  const reason = transportReasonOf(codes);
  if (reason !== undefined || (error instanceof TypeError && /fetch failed|terminated/i.test(error.message))) {
    return new ModelError(
      "unreachable",
      `cannot reach the OpenAI-compatible server at ${context.base} (${reason ?? describe(error)})`,
      `start the server (LM Studio's local server, \`llama-server --port 1234 -m model.gguf\`, \`vllm serve <model> --port 1234\`), or ${BASE_HINT}`,
      { cause: error },
    );
  }
  if (error instanceof SyntaxError) {
    return new ModelError("bad_response", `${context.base} answered ${PATHS[context.stage]} with something that is not JSON (${error.message})`, BASE_HINT, { cause: error });
  }
  return new ModelError("bad_response", `the request to ${context.base} failed (${PATHS[context.stage]}): ${describe(error)}`, "check the server's log", { cause: error });
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause: unknown = error.cause;
    return cause instanceof Error && cause.message ? `${error.message}: ${cause.message}` : error.message;
  }
  return String(error);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
