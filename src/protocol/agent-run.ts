/** The loop's limits and its endings: what the layers are configured with and may end a run as. */

export interface AgentLimits {
  /** Agent turns before the run stops (default 40). */
  maxTurns: number;
  /** Wall-clock limit for the loop (default 20 min). */
  wallClockMs: number;
  /** Prompt tokens the context layer keeps the conversation under. */
  contextBudget: number;
  /** Largest tool observation shown to the model, in characters. */
  maxObservationChars: number;
  /** Generated tokens per reply. */
  maxTokens: number;
  temperature: number;
  /** Re-inject the tool schemas every N agent turns (reinject layer). */
  reinjectEvery: number;
  /** Summarize scrollback every N agent turns (context layer). */
  summarizeEvery: number;
  /** Agent turns kept verbatim after a summary. */
  keepTurns: number;
  /** Invalid replies per call before the retry layer gives up. */
  maxAttempts: number;
  backoffMs: number;
  /** Premature `finish` calls rejected before the run ends failed (stops layer). */
  maxFinishRejections: number;
}

export const DEFAULT_LIMITS: AgentLimits = {
  maxTurns: 40,
  wallClockMs: 20 * 60_000,
  contextBudget: 24_000,
  maxObservationChars: 6000,
  maxTokens: 2048,
  temperature: 0.3,
  reinjectEvery: 10,
  summarizeEvery: 8,
  keepTurns: 3,
  maxAttempts: 3,
  backoffMs: 250,
  maxFinishRejections: 2,
};

export type AgentExit =
  | "finished"
  | "answered"
  | "max_turns"
  | "timeout"
  | "cancelled"
  | "format_errors"
  | "infinite_loop"
  | "premature_stop"
  | "context_overflow"
  | "model_error";
