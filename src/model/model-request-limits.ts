/**
 * How long one model request may take and how much it may send back. Every live backend
 * (`ollama`, `llamacpp`, `openai`) applies these through `guardModelRequest`; the run's own
 * wall clock comes on top, per request, as `ModelRequest.timeLeftMs`.
 */
export interface ModelRequestLimits {
  /**
   * The longest one request may take, first byte to last, in ms. Ollama and llama-server send
   * nothing while they evaluate the prompt, so this alone bounds the wait for the first byte.
   */
  requestMs: number;
  /**
   * Once the first byte of a reply has arrived: the longest it may go without new text (no
   * bytes at all, or only empty chunks), in ms.
   */
  idleMs: number;
  /** The most characters of reply text (content, thinking and tool calls together) accepted. */
  maxReplyChars: number;
}

/**
 * Defaults, and why:
 * - `requestMs` 10 min: a CPU-only box evaluating a full 24k-token context budget from scratch
 *   at ~40 tokens/s (a slow CPU with a 7B q4 model) needs about 10 min before its first byte;
 *   a GPU answers in seconds. The run's wall clock (20 min by default) still bounds the total.
 * - `idleMs` 60 s: generation, even on a CPU, produces a token every 0.1–0.5 s, so a minute
 *   without new text means the server stopped, not that it is slow.
 * - `maxReplyChars` 256k: a reply of `maxTokens` (2048 for agent turns) tokens is at most about
 *   16k characters; 16 times that leaves room for any honest reply and bounds memory.
 */
export const DEFAULT_MODEL_REQUEST_LIMITS: ModelRequestLimits = {
  requestMs: 10 * 60_000,
  idleMs: 60_000,
  maxReplyChars: 256 * 1024,
};

/** The environment variables (seconds) behind `--model-timeout` and `--model-idle-timeout`. */
export const MODEL_TIMEOUT_ENV = "LOCAL_AGENT_MODEL_TIMEOUT";
export const MODEL_IDLE_TIMEOUT_ENV = "LOCAL_AGENT_MODEL_IDLE_TIMEOUT";

/**
 * The limits from the environment (seconds), over the defaults; a message naming the variable
 * when a value is not a positive number of seconds.
 */
export function modelRequestLimitsFromEnv(env: NodeJS.ProcessEnv): { ok: true; limits: ModelRequestLimits } | { ok: false; message: string } {
  const limits = { ...DEFAULT_MODEL_REQUEST_LIMITS };
  for (const [name, key] of [
    [MODEL_TIMEOUT_ENV, "requestMs"],
    [MODEL_IDLE_TIMEOUT_ENV, "idleMs"],
  ] as const) {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === "") continue;
    const seconds = Number(raw);
    if (!(Number.isFinite(seconds) && seconds > 0)) {
      return { ok: false, message: `${name} must be a positive number of seconds, not "${raw}"` };
    }
    limits[key] = seconds * 1000;
  }
  return { ok: true, limits };
}
