import type { FailureMode } from "../protocol/turn-record.js";
import type { ReplyErrorCode } from "./repair/validate-call.js";

export interface TurnSignals {
  /** 1-based index among agent turns. */
  agentTurn: number;
  /** The first reply was invalid (whatever happened next). */
  rawInvalid: boolean;
  /** The error code of the first invalid reply. */
  errorCode: ReplyErrorCode | null;
  /** The model had made valid calls before this turn. */
  hadValidCall: boolean;
  /** The prompt was (or would have been) truncated. */
  truncation: boolean;
  /** This call repeats an earlier one (loop pattern), detected or not. */
  loop: boolean;
  /** A write was refused by scope, or an edit named the wrong file. */
  wrongFile: boolean;
  /** A finish came too early, or the model replied with nothing / prose. */
  prematureStop: boolean;
}

const ARG_ERRORS: ReadonlySet<ReplyErrorCode> = new Set(["missing_arg", "unexpected_arg", "wrong_type"]);

/**
 * Names what went wrong in a turn with the field's six failure modes. Recorded whether or not the
 * scaffolding rescued the turn: the mode describes the model, the interventions the rescue.
 */
export function classifyFailure(signals: TurnSignals): FailureMode | null {
  if (signals.truncation) return "context_truncation";
  if (signals.loop) return "infinite_loop";
  if (signals.wrongFile) return "wrong_file_edit";
  if (signals.prematureStop) return "premature_stop";
  if (signals.rawInvalid) {
    if (signals.errorCode === "empty") return "premature_stop";
    // A schema the model already used correctly and now forgets, from turn 3 on: drift.
    if (signals.agentTurn >= 3 && signals.hadValidCall && signals.errorCode !== null && ARG_ERRORS.has(signals.errorCode)) {
      return "schema_drift";
    }
    return "tool_call_hallucination";
  }
  return null;
}
