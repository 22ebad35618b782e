import { firstSentence } from "../protocol/first-sentence.js";
import { invalidStreak } from "../protocol/history.js";
import { OVERFLOW_FEEDBACK, overflowExitReason, terseError } from "../protocol/layer-messages.js";
import type { InvalidReply, InvalidVerdict } from "../scaffold/layers/layer.js";
import type { AgentRun } from "./open-run.js";

/**
 * What the loop does with an unusable reply when no layer answered: what naive harnesses do. The
 * bad reply stays in the history with a terse error; a stop (empty or prose reply) ends the run,
 * and so do `maxAttempts` invalid replies in a row, or a prompt the server refused as too long.
 */
export function naiveVerdict(run: AgentRun, invalid: InvalidReply): InvalidVerdict {
  if (invalid.kind === "overflow") {
    const reason = overflowExitReason(invalid.reason, run.modelInfo.numCtx);
    return { kind: "exit", exit: "context_overflow", reason, feedback: OVERFLOW_FEEDBACK, interventions: [] };
  }
  const why = invalid.problem ?? firstSentence(invalid.error.message);
  const feedback = terseError(invalid.error.message);
  if (invalid.stopped)
    return {
      kind: "exit",
      exit: "premature_stop",
      reason: `the model stopped without a tool call: ${why}`,
      feedback,
      interventions: [],
    };
  const inARow = invalidStreak(run.history).length + 1;
  if (inARow < run.limits.maxAttempts) return { kind: "feedback", text: feedback, interventions: [] };
  return {
    kind: "exit",
    exit: "format_errors",
    reason: `${inARow} invalid tool calls in a row: ${why}`,
    feedback,
    interventions: [],
  };
}
