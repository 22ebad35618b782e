import type { Intervention, ScaffoldLayer } from "../report/report-schema.js";
import type { ReplyError } from "./repair/validate-call.js";

export interface InvalidReplyDecision {
  /** What the model is told next (enters the history after its bad reply). */
  feedback: string;
  /** Scaffolding that acted on this turn. */
  interventions: Intervention[];
  /** The retry layer's one recovery prompt has now been spent. */
  recoveryUsed: boolean;
  /** Set when the run must end here. */
  exit: { kind: "format_errors" | "premature_stop"; reason: string } | null;
}

/**
 * What the loop does with a turn that produced no usable call, by layer:
 * - retry: its budget is spent (the retries happened inside the turn); the first time, one
 *   recovery prompt ("failed because X, try a different approach"); the second time, the run ends;
 * - stops (without retry): an empty or prose-only reply gets a continuation prompt;
 * - neither: the bad reply stays in the history with a terse error, as naive harnesses do, and
 *   `maxInvalid` in a row (or a stop) end the run.
 */
export function decideInvalidReply(params: {
  error: ReplyError;
  /** The reply was empty or prose with no call in it: the model stopped. */
  stopped: boolean;
  /** User-facing cause (empty reply, cut off), when there is one. */
  problem: string | null;
  layers: ReadonlySet<ScaffoldLayer>;
  recoveryUsed: boolean;
  consecutiveInvalid: number;
  maxInvalid: number;
  maxAttempts: number;
}): InvalidReplyDecision {
  const { error, layers } = params;
  const why = params.problem ?? firstSentence(error.message);
  if (layers.has("retry")) {
    if (params.recoveryUsed) {
      return { feedback: error.message, interventions: [], recoveryUsed: true, exit: { kind: "format_errors", reason: `no valid tool call after ${params.maxAttempts} attempts, twice: ${why}` } };
    }
    return {
      feedback: `The previous tool call failed because: ${error.message}\nTry a different approach.`,
      interventions: params.stopped && layers.has("stops") ? ["recovery_prompt", "premature_stop_rejected"] : ["recovery_prompt"],
      recoveryUsed: true,
      exit: null,
    };
  }
  if (params.stopped && layers.has("stops")) {
    const exit = params.consecutiveInvalid >= params.maxInvalid ? { kind: "premature_stop" as const, reason: `the model stopped replying with tool calls: ${why}` } : null;
    return { feedback: error.message, interventions: ["premature_stop_rejected"], recoveryUsed: params.recoveryUsed, exit };
  }
  const feedback = `Error: ${firstSentence(error.message)}`;
  if (params.stopped) return { feedback, interventions: [], recoveryUsed: params.recoveryUsed, exit: { kind: "premature_stop", reason: `the model stopped without a tool call: ${why}` } };
  const exit =
    params.consecutiveInvalid >= params.maxInvalid ? { kind: "format_errors" as const, reason: `${params.consecutiveInvalid} invalid tool calls in a row: ${why}` } : null;
  return { feedback, interventions: [], recoveryUsed: params.recoveryUsed, exit };
}

export function firstSentence(text: string): string {
  const line = text.split("\n")[0] ?? "";
  const match = /^(.+?[.!?])(\s|$)/.exec(line);
  return (match?.[1] ?? line).slice(0, 240);
}
