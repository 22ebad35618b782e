import { describeRequestStop } from "./describe-request-stop.js";
import { formatDuration } from "./format-duration.js";
import type { ModelError } from "./model-error.js";
import type { ModelRequestLimits } from "./model-request-limits.js";
import { replyTooLongError } from "./reply-too-long-error.js";
import { watchResponseBody } from "./watch-response-body.js";

export interface GuardModelRequestParams {
  /** Who the request goes to, as messages name it, e.g. `Ollama at http://127.0.0.1:11434`. */
  server: string;
  /** What the user should check when the server stalls (its address variable, its log, its parallel slots). */
  stallHint: string;
  limits: ModelRequestLimits;
  /** The backend's own fetch; the guard's `fetch` wraps it. */
  fetch: typeof fetch;
  /** The caller's cancellation (Ctrl-C, `/cancel`): not the guard's doing, so `failure()` stays null. */
  signal?: AbortSignal;
  /** Time left in the run, in ms (`ModelRequest.timeLeftMs`); the deadline is the smaller of this and `limits.requestMs`. */
  timeLeftMs?: number;
  /** Tokens asked for (num_predict, n_predict): more pieces of text than this, plus slack, stop the request. None: characters only. */
  maxTokens?: number;
  /** Byte cap per response; default: derived from the reply caps and the request's own size. */
  maxBytes?: number;
  /** How the deadline reads in messages; default: the per-request limit or the run's time limit, whichever applied. */
  deadlineLabel?: string;
  /** Clock in ms; default `performance.now`. */
  now?: () => number;
}

export interface ModelRequestGuard {
  /** Fires on the caller's cancel and when the guard stops the request. */
  readonly signal: AbortSignal;
  /** The backend's fetch, bound to `signal`, watching every response body's bytes. */
  readonly fetch: typeof fetch;
  /** Call with each piece of reply text (content, thinking, tool-call JSON) as it arrives; throws once a cap is passed. */
  text(piece: string): void;
  /** The guard's own error when it stopped the request (deadline, idle stream, cap); null otherwise. */
  failure(): ModelError | null;
  /** Clears the timers. */
  end(): void;
}

/** Tokens the byte budget allows for when a request names no token limit. */
const UNCAPPED_TOKEN_BUDGET = 4096;

/** Honest servers stop at the token limit they were sent; a little slack covers pieces that are not whole tokens. */
const tokenCapFor = (maxTokens: number) => maxTokens + Math.max(64, Math.ceil(maxTokens / 4));

/**
 * Deadline, idle limit and reply caps for one model request. Node's fetch would otherwise wait
 * forever for a server that accepted the request (undici's own 300 s limits are switched off by
 * `createModelFetch`, and a retry would start the wait again). The deadline counts from the
 * start; the idle limit from the first byte of each response, because servers send nothing
 * while they evaluate the prompt; bytes that carry no text (empty chunks) do not count as
 * progress. When the guard stops a request it aborts the fetch, which closes the connection,
 * so the server stops generating.
 */
export function guardModelRequest(params: GuardModelRequestParams): ModelRequestGuard {
  const now = params.now ?? (() => performance.now());
  const { limits } = params;
  const started = now();
  const controller = new AbortController();
  const signal = params.signal ? AbortSignal.any([params.signal, controller.signal]) : controller.signal;
  const runBound = params.timeLeftMs !== undefined && params.timeLeftMs < limits.requestMs;
  const deadlineMs = Math.max(0, runBound ? (params.timeLeftMs ?? 0) : limits.requestMs);
  const tokenCap = params.maxTokens === undefined ? Number.POSITIVE_INFINITY : tokenCapFor(params.maxTokens);
  let tripped: ModelError | null = null;
  let chars = 0;
  let pieces = 0;
  // Per response: a request may take several (llama-server renders its template first).
  let firstByteAt: number | null = null;
  let responseBytes = 0;
  let lastBytesAt = 0;
  let progressAt = 0;
  let idleTimer: NodeJS.Timeout | null = null;

  const failure = (): ModelError | null => tripped;
  const trip = (error: ModelError) => {
    if (tripped || params.signal?.aborted) return;
    tripped = error;
    end();
    controller.abort(error);
  };
  const end = () => {
    clearTimeout(deadlineTimer);
    if (idleTimer) clearTimeout(idleTimer);
  };

  const stop = (kind: "deadline" | "idle") => {
    const stoppedAt = now();
    const limit =
      params.deadlineLabel ?? (runBound ? "the run's time limit ran out" : `the per-request limit is ${formatDuration(limits.requestMs)}`);
    const progress = { startedAt: started, stoppedAt, firstByteAt, lastBytesAt, progressAt, chars };
    trip(describeRequestStop({ kind, server: params.server, stallHint: params.stallHint, progress, limit, idleMs: limits.idleMs }));
  };

  const tooLong = (what: string) => replyTooLongError(params.server, what);

  const deadlineTimer = setTimeout(() => stop("deadline"), deadlineMs);
  if (deadlineMs === 0) stop("deadline");

  const onBytes = (count: number, maxBytes: number) => {
    const at = now();
    lastBytesAt = at;
    if (firstByteAt === null) {
      firstByteAt = at;
      progressAt = at;
      idleTimer = setTimeout(() => stop("idle"), limits.idleMs);
    }
    responseBytes += count;
    if (responseBytes > maxBytes) trip(tooLong(`more than ${maxBytes} bytes in one response`));
  };

  const guardedFetch: typeof fetch = async (input, init) => {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = null;
    firstByteAt = null;
    responseBytes = 0;
    const requestBytes = typeof init?.body === "string" ? Buffer.byteLength(init.body) : 0;
    // Servers echo the prompt and settings in their last message (llama-server), JSON escapes
    // text, and every streamed token comes wrapped in ~150-250 bytes of JSON.
    const tokens = Number.isFinite(tokenCap) ? tokenCap : tokenCapFor(UNCAPPED_TOKEN_BUDGET);
    const maxBytes = params.maxBytes ?? 2 * requestBytes + 8 * limits.maxReplyChars + 512 * tokens + 1024 * 1024;
    const combined = init?.signal ? AbortSignal.any([init.signal, signal]) : signal;
    const response = await params.fetch(input, { ...init, signal: combined });
    return watchResponseBody(response, (bytes) => {
      onBytes(bytes, maxBytes);
      return tripped;
    });
  };

  return {
    signal,
    fetch: guardedFetch,
    text(piece) {
      if (piece !== "") {
        chars += piece.length;
        pieces += 1;
        progressAt = now();
        idleTimer?.refresh();
        if (chars > limits.maxReplyChars) trip(tooLong(`more than ${limits.maxReplyChars} characters`));
        else if (pieces > tokenCap) trip(tooLong(`more than ${tokenCap} tokens (it was asked for at most ${params.maxTokens})`));
      }
      const error = failure();
      if (error) throw error;
    },
    failure,
    end,
  };
}
