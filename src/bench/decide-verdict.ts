import { SCAFFOLD_LAYERS } from "../report/report-schema.js";
import type { BenchRow, Verdict } from "./bench-result-schema.js";

/** The dividing line of the field report: tool-call validity held at or above this… */
export const VERDICT_VALIDITY = 0.95;
/** …measured over at least this many agent turns (one 30-turn session's worth). */
export const VERDICT_MIN_TURNS = 30;

/**
 * Grades a model by the field report's line: a combination is usable as an agent when it holds
 * ≥ 95% tool-call validity across a 30-turn session.
 * - production-grade: the `none` row's raw validity (no grammar, no repair, nothing) is ≥ 95%;
 * - agent-grade with scaffolding: otherwise, the all-layers row's effective validity is ≥ 95%;
 * - demo-grade: neither;
 * - undetermined: a row that would decide it is missing or has fewer than 30 agent turns.
 * Validity is pooled over all the row's agent turns (the suite's tasks are shorter than 30 turns,
 * so a "session" is the row's turns in play order).
 */
export function decideVerdict(model: string, rows: readonly BenchRow[]): Verdict {
  const mine = rows.filter((row) => row.model === model);
  const none = mine.find((row) => row.layers.length === 0);
  const all = mine.find((row) => row.layers.length === SCAFFOLD_LAYERS.length);
  const pct = (value: number) => `${(value * 100).toFixed(1)}%`;
  const enough = (row: BenchRow) => row.agent_turns >= VERDICT_MIN_TURNS;
  const noneHolds = none && enough(none) && none.validity_raw >= VERDICT_VALIDITY;
  const allHolds = all && enough(all) && all.validity_effective >= VERDICT_VALIDITY;
  const noneText = none ? `raw validity ${pct(none.validity_raw)} with no scaffolding over ${none.agent_turns} turns` : "no --scaffold none row";
  const allText = all ? `effective validity ${pct(all.validity_effective)} with all layers over ${all.agent_turns} turns` : "no --scaffold all row";

  if (noneHolds) return { model, grade: "production-grade", reason: `${noneText} (≥ 95%)` };
  if (none && !enough(none)) {
    return { model, grade: "undetermined", reason: `only ${none.agent_turns} agent turns without scaffolding; the line needs ${VERDICT_MIN_TURNS} (raise --runs)` };
  }
  if (allHolds) return { model, grade: "agent-grade with scaffolding", reason: `${noneText}, ${allText} (≥ 95%)` };
  if (!none || !all) return { model, grade: "undetermined", reason: `${noneText}; ${allText}: both rows decide the grade` };
  if (!enough(all)) {
    return { model, grade: "undetermined", reason: `only ${all.agent_turns} agent turns with all layers; the line needs ${VERDICT_MIN_TURNS} (raise --runs)` };
  }
  return { model, grade: "demo-grade", reason: `${noneText}, ${allText}: below 95% either way` };
}
