import type { Observation } from "../protocol/observation.js";
import type { ToolCall } from "../protocol/tool-schemas.js";
import type { Intervention } from "../protocol/turn-record.js";
import type { ReviewedObservation, ToolVerdict } from "../scaffold/layers/layer.js";
import type { AgentRun } from "./open-run.js";
import { clipObservation, executeToolCall } from "./tools/execute-tool-call.js";

/**
 * Runs a call the layers let through, or takes the observation a layer refused it with; either
 * way the layers' afterTool sees it before it is cut to size.
 */
export async function runTool(
  run: AgentRun,
  call: ToolCall,
  verdict: Extract<ToolVerdict, { kind: "run" | "refuse" }>,
): Promise<ReviewedObservation> {
  let interventions: Intervention[] = [];
  const review = async (observation: Observation) => {
    const reviewed = await run.hooks.afterTool(call, observation, run);
    interventions = reviewed.interventions;
    return reviewed.observation;
  };
  const { workspace, runTests, env, signal } = run;
  const maxObservationChars = run.limits.maxObservationChars;
  const observation =
    verdict.kind === "refuse"
      ? clipObservation(await review(verdict.observation), maxObservationChars)
      : await executeToolCall(call, { workspace, runTests, maxObservationChars, env, signal }, review);
  return { observation, interventions };
}
