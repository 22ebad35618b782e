import type { AgentLimits } from "../../protocol/agent-run.js";
import { firstSentence } from "../../protocol/first-sentence.js";
import { invalidStreak } from "../../protocol/history.js";
import type { Intervention } from "../../protocol/turn-record.js";
import { checkFinish } from "../check-finish.js";
import type { BlockedTurn, Layer } from "./layer.js";

/**
 * stops: premature stops are refused with a continuation prompt. A `finish` before any file
 * changed, on changes the tests have not seen, or on failing tests is not run: the model is told
 * what is missing (`checkFinish`), and the run ends failed after `maxFinishRejections` such
 * refusals. An empty or prose-only reply (the model thinks it is done) gets the parser's
 * continuation message instead of ending the run, until `maxAttempts` in a row. Switched off, a
 * premature `finish` ends the run (still recorded as a premature stop) and so does a reply with
 * no call in it.
 */
export function createStopsLayer(limits: AgentLimits): Layer {
  let rejections = 0;
  return {
    name: "stops",
    async onInvalid(invalid, run) {
      if (invalid.kind !== "reply" || !invalid.stopped) return undefined;
      const inARow = invalidStreak(run.history).length + 1;
      const feedback = invalid.error.message;
      const interventions: Intervention[] = ["premature_stop_rejected"];
      if (inARow < limits.maxAttempts) return { kind: "feedback", text: feedback, interventions };
      const why = invalid.problem ?? firstSentence(invalid.error.message);
      return {
        kind: "exit",
        exit: "premature_stop",
        reason: `the model stopped replying with tool calls: ${why}`,
        feedback,
        interventions,
      };
    },
    beforeTool(call, run) {
      if (run.task.kind !== "change" || call.tool !== "finish") return { kind: "run" };
      const { history, workspace, hasTests } = run;
      const rejection = checkFinish({ history, edits: workspace.written.length, version: workspace.version, hasTests });
      if (!rejection) return { kind: "run" };
      rejections++;
      const error = firstSentence(rejection);
      const turn: BlockedTurn = {
        error,
        failure_mode: "premature_stop",
        interventions: ["premature_stop_rejected"],
        note: "finish rejected",
      };
      if (rejections <= limits.maxFinishRejections) return { kind: "block", turn, message: rejection };
      return {
        kind: "exit",
        turn,
        exit: "premature_stop",
        reason: `finish was called too early ${rejections} times: ${error}`,
      };
    },
  };
}
