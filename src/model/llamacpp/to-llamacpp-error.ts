import { ModelError } from "../model-error.js";
import { abortModelError } from "../abort-model-error.js";
import { collectErrorCodes, transportReasonOf } from "../collect-error-codes.js";

/** Which llama-server endpoint failed; it decides how a 404 reads. */
export type LlamaCppStage = "health" | "props" | "models" | "apply-template" | "completion";

/** What went wrong, before it is turned into a ModelError. */
export type LlamaCppFailure =
  /** The server answered with a non-2xx status; `body` is the raw response text. */
  | { kind: "http"; status: number; body: string }
  /** A streamed completion carried an error object instead of tokens. */
  | { kind: "stream-error"; error: unknown }
  /** The stream ended before the final `stop: true` message. */
  | { kind: "stream-ended" }
  /** fetch, reading the body, or JSON.parse threw. */
  | { kind: "thrown"; error: unknown };

export interface LlamaCppErrorContext {
  /** Base URL of the server, shown in every message so the user sees which server we talked to. */
  url: string;
  stage: LlamaCppStage;
  /** The request's signal: when it fired, any failure is reported as a cancellation or timeout. */
  signal?: AbortSignal;
}

const PATHS: Record<LlamaCppStage, string> = {
  health: "GET /health",
  props: "GET /props",
  models: "GET /v1/models",
  "apply-template": "POST /apply-template",
  completion: "POST /completion",
};

/**
 * Maps a failed llama-server call onto a ModelError whose message names the cause and whose
 * hint names the fix. Error bodies are llama-server's `{"error": {"code", "message", "type"}}`
 * (tools/server `format_error_response`): `exceed_context_size_error` for a prompt longer than
 * the slot's context, 503 `unavailable_error` "Loading model" while the model loads, 400
 * "Failed to parse grammar" for a grammar the build cannot compile.
 */
export function toLlamaCppError(failure: LlamaCppFailure, context: LlamaCppErrorContext): ModelError {
  if (failure.kind === "thrown" && failure.error instanceof ModelError) return failure.error;
  const cause = failure.kind === "thrown" || failure.kind === "stream-error" ? failure.error : undefined;
  if (context.signal?.aborted) return abortModelError({ signal: context.signal, cause, server: "llama-server" });

  switch (failure.kind) {
    case "http":
      return fromServerError(failure.status, readServerError(failure.body), context, failure.body);
    case "stream-error":
      return fromServerError(null, readServerError(failure.error), context, failure.error);
    case "stream-ended":
      return new ModelError(
        "unreachable",
        `llama-server at ${context.url} closed the ${PATHS[context.stage]} stream before the completion finished`,
        "the server may have crashed or run out of memory: check its log; the run retries",
      );
    case "thrown":
      return fromThrown(failure.error, context);
  }
}

interface ServerError {
  message: string;
  type: string | null;
  promptTokens: number | null;
  contextTokens: number | null;
}

function readServerError(body: unknown): ServerError {
  let value = body;
  if (typeof body === "string") {
    try {
      value = JSON.parse(body);
    } catch {
      return { message: body.trim(), type: null, promptTokens: null, contextTokens: null };
    }
  }
  const error = isRecord(value) && "error" in value ? value.error : value;
  if (typeof error === "string") return { message: error, type: null, promptTokens: null, contextTokens: null };
  if (!isRecord(error)) return { message: JSON.stringify(value) ?? "", type: null, promptTokens: null, contextTokens: null };
  return {
    message: typeof error.message === "string" ? error.message : JSON.stringify(error),
    type: typeof error.type === "string" ? error.type : null,
    promptTokens: typeof error.n_prompt_tokens === "number" ? error.n_prompt_tokens : null,
    contextTokens: typeof error.n_ctx === "number" ? error.n_ctx : null,
  };
}

const CONTEXT_OVERFLOW = /exceeds the available context size|exceed_context_size|context size (has been )?exceeded|too long for the context/i;
const GRAMMAR = /grammar|json[ _-]?schema/i;
const LOADING = /loading model/i;

function fromServerError(status: number | null, error: ServerError, context: LlamaCppErrorContext, cause: unknown): ModelError {
  const where = `llama-server at ${context.url}`;
  const quoted = JSON.stringify(error.message);
  const statusText = status === null ? "an error in the stream" : `HTTP ${status}`;

  if (status === 503 || error.type === "unavailable_error" || LOADING.test(error.message)) {
    return new ModelError(
      "unreachable",
      `${where} is not ready (${statusText}: ${quoted})`,
      `wait until the model has loaded (\`curl ${context.url}/health\` answers {"status":"ok"}); the run retries by itself`,
      { cause },
    );
  }

  if (error.type === "exceed_context_size_error" || CONTEXT_OVERFLOW.test(error.message)) {
    const sizes =
      error.promptTokens !== null && error.contextTokens !== null
        ? ` (${error.promptTokens} tokens, the context holds ${error.contextTokens})`
        : "";
    return new ModelError(
      "context_overflow",
      `the prompt does not fit the context window of ${where}${sizes}: ${quoted}`,
      "the agent shrinks its context and retries; if this keeps happening, restart llama-server with a larger context " +
        "(`-c 32768`; with `--parallel N` each slot gets 1/N of it) or give the task fewer or smaller files",
      { cause },
    );
  }

  if (GRAMMAR.test(error.message)) {
    return new ModelError(
      "bad_response",
      `${where} rejected the output grammar (${statusText}: ${quoted})`,
      "this llama.cpp build could not compile the tool-call grammar: update llama.cpp; if a current build fails too, " +
        "report it with grammars/tool-call.gbnf attached",
      { cause },
    );
  }

  if (status === 401 || status === 403) {
    return new ModelError(
      "bad_response",
      `${where} refused the request (${statusText}: ${quoted})`,
      "this backend sends no API key: run llama-server without `--api-key`, on an address only this machine can reach",
      { cause },
    );
  }

  if (status === 404) {
    const hint =
      context.stage === "apply-template"
        ? "give llama-server's base URL, without /v1 (e.g. llamacpp:http://127.0.0.1:8080); if it is right, the build " +
          "predates /apply-template: update llama.cpp"
        : "give llama-server's base URL, without /v1 or other paths (e.g. llamacpp:http://127.0.0.1:8080)";
    return new ModelError("bad_response", `${where} has no ${PATHS[context.stage]} (HTTP 404)`, hint, { cause });
  }

  return new ModelError(
    "bad_response",
    `${where} failed ${PATHS[context.stage]} (${statusText}: ${quoted})`,
    "check the llama-server log for the cause",
    { cause },
  );
}


// undici's own limits (300 s by default) between request and headers, and between body chunks.
const TIMEOUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

function fromThrown(error: unknown, context: LlamaCppErrorContext): ModelError {
  const where = `llama-server at ${context.url}`;
  const codes = collectErrorCodes(error);

  if (codes.some((code) => TIMEOUT_CODES.has(code))) {
    // Not retried: a retry of a request the server sat on for 300 s waits another 300 s.
    return new ModelError(
      "deadline",
      `${where} sent no reply in time (${PATHS[context.stage]}: Node's fetch gave up after its own 300 s limit)`,
      "use the default fetch (it leaves time limits to --model-timeout), or check the llama-server log for a stuck slot",
      { cause: error },
    );
  }

  const reason = transportReasonOf(codes);
  if (reason !== undefined || (error instanceof TypeError && /fetch failed|terminated/i.test(error.message))) {
    const port = portOf(context.url);
    return new ModelError(
      "unreachable",
      `cannot reach llama-server at ${context.url} (${reason ?? describe(error)})`,
      `start it with \`llama-server -m model.gguf --port ${port}\`, or fix the URL in the model spec (e.g. llamacpp:http://127.0.0.1:8080)`,
      { cause: error },
    );
  }

  if (error instanceof SyntaxError) {
    return new ModelError(
      "bad_response",
      `the server at ${context.url} answered ${PATHS[context.stage]} with something that is not JSON (${error.message})`,
      "check that the URL points at llama-server itself and not at another web server or a proxy page",
      { cause: error },
    );
  }

  return new ModelError("bad_response", `${where} failed ${PATHS[context.stage]}: ${describe(error)}`, "check the llama-server log", {
    cause: error,
  });
}



function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause: unknown = error.cause;
    return cause instanceof Error && cause.message ? `${error.message}: ${cause.message}` : error.message;
  }
  return String(error);
}

function portOf(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.port || (parsed.protocol === "https:" ? "443" : "80");
  } catch {
    return "8080";
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
