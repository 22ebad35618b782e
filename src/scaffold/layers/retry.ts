import type { AgentLimits } from "../../protocol/agent-run.js";
import { firstSentence } from "../../protocol/first-sentence.js";
import { invalidStreak } from "../../protocol/history.js";
import { recoveryPrompt, retryPrompt } from "../../protocol/layer-messages.js";
import type { Layer } from "./layer.js";

/**
 * retry: an unusable reply is asked again within the turn with temporary history: the bad reply
 * and its specific error are shown to the requery only, so a recovered mistake never enters the
 * run's history. Up to `maxAttempts` calls per turn, with exponential backoff; an identical bad
 * reply raises the temperature by 0.3 and changes the seed (small models resend the same broken
 * call). When a turn's attempts are spent, one recovery prompt ("failed because …, try a
 * different approach") enters the history; a second spent turn before a valid call ends the run.
 * Switched off, the bad reply enters the history with the error the other layers give.
 */
export function createRetryLayer(limits: AgentLimits): Layer {
  let temperature = limits.temperature;
  let seed: number | undefined;
  let previousRaw: string | null = null;
  return {
    name: "retry",
    async onInvalid(invalid, run) {
      if (invalid.kind !== "reply") return undefined;
      if (invalid.attempt === 0) {
        temperature = limits.temperature;
        seed = undefined;
        previousRaw = null;
      }
      const { error } = invalid;
      if (invalid.attempt + 1 < limits.maxAttempts) {
        if (previousRaw !== null && previousRaw === invalid.raw) {
          temperature = Math.min(1, temperature + 0.3);
          seed = Math.floor(run.random() * 2 ** 31);
        }
        previousRaw = invalid.raw;
        return {
          kind: "requery",
          messages: [
            { role: "assistant", content: invalid.raw },
            { role: "user", content: retryPrompt(error.message) },
          ],
          temperature,
          seed,
          delayMs: limits.backoffMs * 2 ** invalid.attempt,
          interventions: ["retry"],
        };
      }
      const recovered = invalidStreak(run.history).some((turn) => turn.interventions.includes("recovery_prompt"));
      if (recovered) {
        const why = invalid.problem ?? firstSentence(error.message);
        const reason = `no valid tool call after ${limits.maxAttempts} attempts, twice: ${why}`;
        return { kind: "exit", exit: "format_errors", reason, feedback: error.message, interventions: [] };
      }
      return { kind: "feedback", text: recoveryPrompt(error.message), interventions: ["recovery_prompt"] };
    },
  };
}
