/**
 * Why a model call failed, in terms the user can act on. Every backend maps its transport and
 * server errors onto these codes; the loop decides from `code` whether to retry, shrink the
 * context or end the run, and shows `message` + `hint` to the user.
 */
export type ModelErrorCode =
  /** The server could not be reached (connection refused, DNS, reset). Transient: retried. */
  | "unreachable"
  /** The server does not have the model (Ollama: not pulled). */
  | "model_not_found"
  /** The prompt does not fit the context window (Ollama with `truncate:false`, llama-server). */
  | "context_overflow"
  /** The request timed out. Transient: retried. */
  | "timeout"
  /** The request was cancelled through its AbortSignal. */
  | "aborted"
  /**
   * The request did not finish within its deadline: the per-request limit or the time left in
   * the run, whichever is smaller. Not retried: the same request would stall the same way.
   */
  | "deadline"
  /** A started reply stopped making progress (no bytes, or only empty chunks) for the idle limit. Not retried. */
  | "stalled"
  /** The reply passed its cap (characters, tokens or bytes); the request was stopped. Not retried. */
  | "reply_too_long"
  /**
   * The server has the model but cannot run it as a chat agent, e.g. an Ollama chat template
   * that renders only the last message. Not retried: the set-up must change.
   */
  | "model_unusable"
  /** A replay transcript has no more replies. */
  | "replay_exhausted"
  /** The server answered with something we cannot use (bad status, malformed body). */
  | "bad_response";

export class ModelError extends Error {
  override readonly name = "ModelError";
  readonly code: ModelErrorCode;
  /** What the user should do about it, e.g. "run `ollama pull qwen2.5-coder:7b`". */
  readonly hint: string;

  constructor(code: ModelErrorCode, message: string, hint: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.hint = hint;
  }

  /** One line for logs, reports and GitHub comments: cause, then fix. */
  describe(): string {
    return this.hint ? `${this.message}. ${this.hint}` : this.message;
  }
}

/** Codes worth a retry with backoff: the server may come back. */
export function isTransientModelError(error: unknown): boolean {
  return error instanceof ModelError && (error.code === "unreachable" || error.code === "timeout");
}
