import { nextTurnNumber } from "../../protocol/history.js";
import type { LayerRun } from "../layers/layer.js";
import { serverTimings } from "../server-timings.js";
import { planCompaction } from "./plan-compaction.js";

/**
 * Folds all but the last `keepTurns` agent turns into a recap the model writes, plus the action
 * log, as a summary entry (its own turn in the report). False when there was nothing new to fold.
 */
export async function summarizeHistory(
  run: LayerRun,
  params: { keepTurns: number; temperature: number },
): Promise<boolean> {
  const plan = planCompaction({ history: run.history, keepTurns: params.keepTurns, taskTitle: run.task.title });
  if (!plan) return false;
  const reply = await run.model.complete({
    messages: plan.request,
    purpose: "summary",
    maxTokens: 320,
    temperature: params.temperature,
    signal: run.signal,
  });
  const recap = reply.content.trim().slice(0, 1600);
  const prompt_tokens = reply.promptTokens ?? run.estimator.estimate(plan.request);
  const completion_tokens = reply.completionTokens ?? Math.ceil(reply.content.length / 3.5);
  const attempt = {
    raw_valid: recap !== "",
    error: null,
    done_reason: reply.doneReason ?? null,
    prompt_tokens,
    completion_tokens,
    latency_ms: reply.latencyMs,
  };
  run.append({
    type: "summary",
    foldBefore: plan.foldBefore,
    recap,
    actions: plan.actions,
    turn: {
      n: nextTurnNumber(run.history),
      kind: "summary",
      raw_valid: recap !== "",
      valid: recap !== "",
      tool: null,
      error: recap === "" ? "empty recap; kept the action log only" : null,
      interventions: ["summarized"],
      failure_mode: null,
      prompt_tokens,
      completion_tokens,
      latency_ms: reply.latencyMs,
      attempts: [{ ...attempt, ...serverTimings(reply) }],
      note: `folded ${plan.actions.length} turns into a recap`,
    },
  });
  return true;
}
