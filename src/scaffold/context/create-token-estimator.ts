import type { ChatMessage } from "../../model/types.js";

export interface TokenEstimator {
  /** Calibrated token count of a prompt. */
  estimate(messages: readonly ChatMessage[]): number;
  /** Learn from what the server counted for a prompt we estimated. */
  observe(messages: readonly ChatMessage[], promptTokens: number | undefined): void;
  /** The current calibration factor (server tokens per uncalibrated estimate). */
  readonly factor: number;
}

/** Characters per token before calibration: a deliberately conservative guess for code. */
const CHARS_PER_TOKEN = 3.5;
/** Per-message overhead of chat templates (role headers, separators). */
const PER_MESSAGE = 4;

/**
 * Token counts without a tokenizer: chars/3.5, calibrated per model from the server's
 * `prompt_eval_count`. Servers count only the tokens they had to evaluate, so a prompt whose
 * prefix was cached reports fewer; the true ratio is therefore the largest one observed.
 */
export function createTokenEstimator(): TokenEstimator {
  let factor = 1;
  let observed = false;
  const raw = (messages: readonly ChatMessage[]) =>
    Math.ceil(messages.reduce((sum, m) => sum + m.content.length, 0) / CHARS_PER_TOKEN) + PER_MESSAGE * messages.length;
  return {
    estimate: (messages) => Math.ceil(raw(messages) * factor),
    observe(messages, promptTokens) {
      if (promptTokens === undefined || promptTokens <= 0) return;
      const ratio = promptTokens / Math.max(1, raw(messages));
      if (ratio < 0.3 || ratio > 3) return;
      factor = observed ? Math.max(factor, ratio) : ratio;
      observed = true;
    },
    get factor() {
      return factor;
    },
  };
}

/**
 * Did the server drop part of the prompt without saying so? Only plausible when the prompt was
 * near the window: well under it, a low count just means a cache hit.
 */
export function looksTruncated(params: { estimate: number; promptTokens: number | undefined; numCtx: number | null }): boolean {
  const { estimate, promptTokens, numCtx } = params;
  if (promptTokens === undefined || numCtx === null) return false;
  return estimate >= 0.9 * numCtx && promptTokens < 0.75 * estimate;
}
