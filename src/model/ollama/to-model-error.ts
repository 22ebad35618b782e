import { ModelError } from "../model-error.js";
import { abortModelError } from "../abort-model-error.js";
import { collectErrorCodes, transportReasonOf } from "../collect-error-codes.js";
import { closestModelNames } from "./closest-model-names.js";

/** Which Ollama call failed; it decides how a 404 reads. */
export type OllamaStage = "version" | "show" | "chat" | "ps";

export interface OllamaErrorContext {
  /** Normalized base URL, shown in messages so the user sees which server we talked to. */
  host: string;
  /** The model tag the user asked for. */
  model: string;
  stage: OllamaStage;
  /** The request's signal: when it fired, any failure is reported as a cancellation. */
  signal?: AbortSignal;
  /** `num_ctx` sent with the request, for context-overflow messages. */
  numCtx?: number | null;
  /** The model's trained context length, when known: the ceiling for raising num_ctx. */
  contextLength?: number | null;
  /** Names from `/api/tags`, when the caller looked them up for a model-not-found hint. */
  installedModels?: readonly string[] | null;
}

const PATHS: Record<OllamaStage, string> = { version: "GET /api/version", show: "POST /api/show", chat: "POST /api/chat", ps: "GET /api/ps" };

/**
 * Maps whatever the `ollama` client or fetch threw onto a `ModelError` whose message names the
 * cause and whose hint names the fix. Error texts are Ollama's own (server/routes.go,
 * runner/*): the client only hands us the server's `error` string and the HTTP status.
 */
export function toModelError(error: unknown, context: OllamaErrorContext): ModelError {
  if (error instanceof ModelError) return error;
  if (context.signal?.aborted) return abortModelError({ signal: context.signal, cause: error, server: "Ollama" });

  const http = httpFailure(error);
  if (http) return fromServerMessage(http.status, http.message, error, context);

  const transport = transportReason(error);
  if (transport) return unreachable(transport.reason, context, error, transport.timeout);

  if (error instanceof SyntaxError) {
    return new ModelError(
      "bad_response",
      `Ollama at ${context.host} answered ${PATHS[context.stage]} with something that is not JSON (${error.message})`,
      "check that OLLAMA_HOST points at Ollama itself and not at another web server or proxy page",
      { cause: error },
    );
  }

  const message = error instanceof Error ? error.message : String(error);
  if (/did not receive done or success response/i.test(message)) {
    return new ModelError(
      "bad_response",
      `the reply stream from Ollama at ${context.host} ended before its final chunk`,
      "the Ollama server or a proxy closed the stream early; check the `ollama serve` log",
      { cause: error },
    );
  }
  // The client turns an `{"error": …}` line inside an NDJSON stream into a plain Error carrying
  // the server's text, with no status: the same classification applies.
  return fromServerMessage(null, message, error, context);
}


function httpFailure(error: unknown): { status: number; message: string } | null {
  // `ResponseError` is not exported by the client; it carries `error` and `status_code`.
  if (!(error instanceof Error) || error.name !== "ResponseError") return null;
  const status: unknown = Reflect.get(error, "status_code");
  const message: unknown = Reflect.get(error, "error");
  return {
    status: typeof status === "number" ? status : 0,
    message: typeof message === "string" && message !== "" ? message : error.message,
  };
}


const TIMEOUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

/** Node's fetch wraps socket errors as `TypeError("fetch failed" | "terminated", { cause })`. */
function transportReason(error: unknown): { reason: string; timeout: boolean } | null {
  const codes = collectErrorCodes(error);
  for (const code of codes) {
    if (TIMEOUT_CODES.has(code)) return { reason: "no reply within Node's fetch timeout", timeout: true };
    const reason = transportReasonOf([code]);
    if (reason) return { reason, timeout: false };
  }
  if (error instanceof TypeError && /fetch failed|terminated|network/i.test(error.message)) {
    const cause: unknown = error.cause;
    return { reason: cause instanceof Error && cause.message ? cause.message : error.message, timeout: false };
  }
  return null;
}


function unreachable(reason: string, context: OllamaErrorContext, cause: unknown, timeout: boolean): ModelError {
  if (timeout) {
    // Not retried: a retry of a request the server sat on for 300 s waits another 300 s.
    return new ModelError(
      "deadline",
      `Ollama at ${context.host} sent no reply in time (${reason})`,
      "the fetch in use has its own 300 s limit: use the default one (it leaves time limits to --model-timeout), " +
        "or check the `ollama serve` log for a stuck runner",
      { cause },
    );
  }
  const hostHint = /host name|lookup|invalid URL/.test(reason)
    ? "check the host name in OLLAMA_HOST (e.g. OLLAMA_HOST=127.0.0.1:11434)"
    : "start it with `ollama serve`, or set OLLAMA_HOST to the address it listens on";
  return new ModelError("unreachable", `cannot reach Ollama at ${context.host} (${reason})`, hostHint, { cause });
}

const CONTEXT_OVERFLOW =
  /input length exceeds the context length|exceeds the available context size|exceed_context_size|context length exceeded/i;
const OUT_OF_MEMORY =
  /out of memory|\boom\b|more system memory|insufficient memory|unable to allocate|failed to allocate|cudaMalloc|resource limitations/i;
const MODEL_NOT_FOUND = /model\s+['"]?[^'"]*['"]?\s+not found|try pulling it first/i;

function fromServerMessage(status: number | null, serverMessage: string, cause: unknown, context: OllamaErrorContext): ModelError {
  const quoted = `"${serverMessage.trim().replace(/\s*\n\s*/g, " ")}"`;
  const statusText = status ? `HTTP ${status}` : "an error";
  const where = `Ollama at ${context.host}`;

  if (context.stage === "version" && status === 404) {
    return new ModelError(
      "bad_response",
      `the server at ${context.host} does not look like Ollama (${PATHS.version} answered 404)`,
      "set OLLAMA_HOST to the address Ollama listens on (default 127.0.0.1:11434)",
      { cause },
    );
  }

  if ((status === 404 && context.stage !== "version") || MODEL_NOT_FOUND.test(serverMessage)) {
    return modelNotFound(context, cause);
  }

  if (CONTEXT_OVERFLOW.test(serverMessage)) {
    const window = context.numCtx ? ` (num_ctx ${context.numCtx})` : "";
    const atCeiling = !!context.contextLength && !!context.numCtx && context.numCtx >= context.contextLength;
    const ceiling = context.contextLength ? ` (the model supports up to ${context.contextLength} tokens)` : "";
    const remedy = atCeiling
      ? `num_ctx is already ${context.model}'s full context length, so give the task fewer or smaller files or use a model with a longer context`
      : `raise num_ctx${ceiling} or give the task fewer or smaller files`;
    return new ModelError(
      "context_overflow",
      `the prompt does not fit the context window${window} of ${context.model}; Ollama refused it instead of truncating: ${quoted}`,
      `the agent shrinks its context and retries; if this keeps happening, ${remedy}`,
      { cause },
    );
  }

  if (OUT_OF_MEMORY.test(serverMessage)) {
    const window = context.numCtx ? ` (now ${context.numCtx})` : "";
    return new ModelError(
      "bad_response",
      `${where} ran out of memory for ${context.model}: ${quoted}`,
      `use a smaller quantization (e.g. a Q4_K_M tag) or a lower num_ctx${window}, and unload other models (\`ollama ps\`, \`ollama stop <model>\`)`,
      { cause },
    );
  }

  if (status === 503) {
    // ErrMaxQueue: the server is alive but its queue is full. Reported as unreachable so the
    // retry layer backs off and tries again, which is what fixes it.
    return new ModelError(
      "unreachable",
      `${where} is busy and refused the request: ${quoted}`,
      "wait for other requests to finish, or raise OLLAMA_MAX_QUEUE / OLLAMA_NUM_PARALLEL on the server",
      { cause },
    );
  }

  if (/does not support (chat|generate|completion)/i.test(serverMessage)) {
    return new ModelError(
      "bad_response",
      `${context.model} cannot chat: ${quoted}`,
      "pick a chat/instruct model (e.g. `ollama:qwen2.5-coder:7b`), not an embedding model",
      { cause },
    );
  }

  if (/does not support thinking/i.test(serverMessage)) {
    return new ModelError("bad_response", `${context.model} cannot think: ${quoted}`, "turn the think option off for this model", {
      cause,
    });
  }

  if (status === 401 || status === 403) {
    return new ModelError(
      "bad_response",
      `${where} refused ${PATHS[context.stage]} with ${statusText}: ${quoted}`,
      "a proxy in front of Ollama wants credentials, or OLLAMA_HOST points at the wrong server",
      { cause },
    );
  }

  return new ModelError(
    "bad_response",
    `${where} answered ${PATHS[context.stage]} with ${statusText}: ${quoted}`,
    "check the `ollama serve` log for details; upgrading Ollama fixes many server-side errors",
    { cause },
  );
}

function modelNotFound(context: OllamaErrorContext, cause: unknown): ModelError {
  let installed = "";
  if (context.installedModels && context.installedModels.length > 0) {
    const closest = closestModelNames({ wanted: context.model, installed: context.installedModels });
    installed = `; installed models closest to it: ${closest.join(", ")}`;
  } else if (context.installedModels) {
    installed = "; no models are installed there yet";
  }
  return new ModelError(
    "model_not_found",
    `Ollama at ${context.host} does not have the model "${context.model}"`,
    `run \`ollama pull ${context.model}\` on the Ollama host${installed}`,
    { cause },
  );
}
