import { agentTurnCount } from "../protocol/history.js";
import type { Observation } from "../protocol/observation.js";
import type { ToolCall } from "../protocol/tool-schemas.js";
import type { FailureMode } from "../protocol/turn-record.js";
import { classifyFailure } from "../scaffold/classify-failure.js";
import { isStopReply } from "../scaffold/is-stop-reply.js";
import type { TurnQuery } from "./ask-for-call.js";
import type { AgentRun } from "./open-run.js";

/**
 * The turn's failure mode, from what the model did, whatever the layers made of it: a call that
 * repeats earlier ones, an edit of a file that is not allowed (refused or not), a reply that stopped.
 */
export function classifyTurn(
  run: AgentRun,
  query: TurnQuery,
  signals: { valid: boolean; loop?: boolean; call?: ToolCall; observation?: Observation },
): FailureMode | null {
  const { call, observation } = signals;
  const outsideScope = (call?.tool === "edit_file" || call?.tool === "write_file") && !run.isAllowed(call.args.path);
  const stopReply = query.firstError?.code === "no_call" && isStopReply(query.raw, run.tools);
  return classifyFailure({
    agentTurn: agentTurnCount(run.history) + 1,
    rawInvalid: !query.rawValid,
    errorCode: query.firstError?.code ?? null,
    hadValidCall: signals.valid || run.history.some((entry) => entry.type === "call"),
    truncation: query.truncation,
    loop: signals.loop ?? false,
    wrongFile: observation !== undefined && (observation.wrongFile === true || outsideScope),
    prematureStop: stopReply,
  });
}
