import type { ModelReply } from "../model/types.js";
import type { Attempt } from "../protocol/turn-record.js";

/** The server's own cache and timing figures, where it gives them (the benchmark's tokens/s and cache reuse). */
export function serverTimings(reply: ModelReply): Pick<Attempt, "cached_prompt_tokens" | "prompt_eval_ms" | "eval_ms"> {
  const timings: Pick<Attempt, "cached_prompt_tokens" | "prompt_eval_ms" | "eval_ms"> = {};
  if (reply.cachedPromptTokens !== undefined) timings.cached_prompt_tokens = reply.cachedPromptTokens;
  if (reply.promptEvalMs !== undefined) timings.prompt_eval_ms = reply.promptEvalMs;
  if (reply.evalMs !== undefined) timings.eval_ms = reply.evalMs;
  return timings;
}
