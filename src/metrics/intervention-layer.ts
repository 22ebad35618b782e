import type { Intervention } from "../report/report-schema.js";

/** Which scaffolding layer each intervention belongs to (README, "How the agent works"). */
export const INTERVENTION_LAYER: Readonly<Record<Intervention, string>> = {
  stripped_fence: "repair",
  extracted_from_prose: "repair",
  repaired_json: "repair",
  mapped_alias: "repair",
  retry: "retry",
  recovery_prompt: "retry",
  schema_reinjected: "reinject",
  summarized: "context",
  truncation_detected: "context",
  scope_blocked: "scope",
  loop_detected: "loops",
  premature_stop_rejected: "stops",
};
