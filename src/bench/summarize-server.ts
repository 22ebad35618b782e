import type { BenchRow } from "./bench-result-schema.js";
import type { RunOutcome } from "./run-bench.js";

/**
 * The model server's own figures for a row: generation speed, prompt time, and how much of the
 * prompt came from its KV cache. Only what the server reported is counted; a row from a server
 * that reports nothing (the simulator, a replay) gets null.
 */
export function summarizeServer(outcomes: readonly RunOutcome[]): BenchRow["server"] {
  let calls = 0;
  let agentCalls = 0;
  let wallMs = 0;
  let generated = 0;
  let generationMs = 0;
  let promptCalls = 0;
  let promptMs = 0;
  let cachedSent = 0;
  let cached = 0;
  let uncachedMs = 0;
  for (const { report } of outcomes) {
    wallMs += report.duration_ms;
    for (const turn of report.turns) {
      if (turn.kind === "agent") agentCalls += turn.attempts.length;
      for (const attempt of turn.attempts) {
        calls++;
        if (attempt.eval_ms !== undefined && attempt.eval_ms > 0) {
          generated += attempt.completion_tokens;
          generationMs += attempt.eval_ms;
        }
        if (attempt.prompt_eval_ms !== undefined) {
          promptCalls++;
          promptMs += attempt.prompt_eval_ms;
        }
        if (attempt.cached_prompt_tokens !== undefined) {
          cachedSent += attempt.prompt_tokens;
          cached += Math.min(attempt.cached_prompt_tokens, attempt.prompt_tokens);
          uncachedMs += attempt.prompt_eval_ms ?? 0;
        }
      }
    }
  }
  if (calls === 0 || (generationMs === 0 && promptCalls === 0)) return null;
  return {
    calls_per_task: outcomes.length ? agentCalls / outcomes.length : 0,
    wall_ms_per_task: outcomes.length ? wallMs / outcomes.length : 0,
    generation_tokens_per_s: generationMs > 0 ? (generated * 1000) / generationMs : null,
    prompt_eval_ms_per_call: promptCalls > 0 ? promptMs / promptCalls : null,
    prompt_tokens_per_s: cachedSent > 0 && uncachedMs > 0 ? ((cachedSent - cached) * 1000) / uncachedMs : null,
    cache_reuse: cachedSent > 0 ? cached / cachedSent : null,
  };
}
