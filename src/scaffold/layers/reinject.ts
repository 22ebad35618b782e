import type { AgentLimits } from "../../protocol/agent-run.js";
import { buildToolReminder } from "../../protocol/build-tool-reminder.js";
import { agentTurnCount, nextTurnNumber } from "../../protocol/history.js";
import type { Layer } from "./layer.js";

/**
 * reinject: every `reinjectEvery` agent turns the reply format and the tool list are shown again
 * as a fresh system message, because small models drift from a schema they saw many turns ago
 * (schema drift on turn 3+). Switched off, the tools are only in the system prompt.
 */
export function createReinjectLayer(limits: AgentLimits): Layer {
  return {
    name: "reinject",
    async beforeQuery(run) {
      const turns = agentTurnCount(run.history);
      if (turns === 0 || turns % limits.reinjectEvery !== 0) return [];
      run.append({ type: "reinject", content: buildToolReminder(run.tools), beforeTurn: nextTurnNumber(run.history) });
      return ["schema_reinjected"];
    },
  };
}
