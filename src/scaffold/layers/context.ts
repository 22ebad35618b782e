import type { AgentLimits } from "../../protocol/agent-run.js";
import type { HistoryEntry } from "../../protocol/history.js";
import { OVERFLOW_FEEDBACK, overflowExitReason } from "../../protocol/layer-messages.js";
import { buildPrompt } from "../context/build-prompt.js";
import { summarizeHistory } from "../context/summarize-history.js";
import type { Layer, LayerRun } from "./layer.js";

/** Shrinks of one turn's prompt after it did not fit: keep one turn, then none. */
const SHRINKS = [1, 0];

/**
 * context: keeps the conversation inside the budget small models use well (~30% of the trained
 * window). Every `summarizeEvery` agent turns, and whenever the prompt is over `contextBudget`,
 * older turns are folded into a recap the model writes plus an action log; a read whose result is
 * already visible (same file and range, nothing written since) is shown as a back-reference. A
 * prompt the server refused or silently cut is shrunk and asked again, twice at most, instead of
 * going on blind. Switched off, the model sees every entry verbatim, and an overflow ends the run.
 */
export function createContextLayer(limits: AgentLimits): Layer {
  let sinceSummary = 0;
  let shrinks = 0;
  const view = (history: readonly HistoryEntry[]) => buildPrompt({ history, context: true });
  const summarize = async (run: LayerRun, keepTurns: number) => {
    const folded = await summarizeHistory(run, { keepTurns, temperature: limits.temperature });
    if (folded) sinceSummary = 0;
    return folded;
  };
  return {
    name: "context",
    view,
    async beforeQuery(run) {
      shrinks = 0;
      if (sinceSummary >= limits.summarizeEvery) await summarize(run, limits.keepTurns);
      if (run.estimator.estimate(view(run.history)) > limits.contextBudget) {
        (await summarize(run, limits.keepTurns)) || (await summarize(run, 1));
      }
      sinceSummary++;
      return [];
    },
    async onInvalid(invalid, run) {
      if (invalid.kind !== "overflow") return undefined;
      const keepTurns = SHRINKS[shrinks];
      shrinks++;
      if (keepTurns !== undefined && (await summarize(run, keepTurns)))
        return { kind: "reask", interventions: ["truncation_detected"] };
      const reason = overflowExitReason(invalid.reason, run.modelInfo.numCtx);
      return {
        kind: "exit",
        exit: "context_overflow",
        reason,
        feedback: OVERFLOW_FEEDBACK,
        interventions: ["truncation_detected"],
      };
    },
  };
}
