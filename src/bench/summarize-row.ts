import { FAILURE_MODES, INTERVENTIONS } from "../report/report-schema.js";
import { listLayers } from "../scaffold/parse-scaffold-spec.js";
import { TERMINAL_FAILURES, type BenchRow, type FillBucket } from "./bench-result-schema.js";
import type { BenchRowSpec, RunOutcome } from "./run-bench.js";
import { summarizeServer } from "./summarize-server.js";

/** Context-fill buckets of the chart, in prompt tokens (the published cliff table's steps). */
const FILL_EDGES = [0, 2000, 4000, 8000, 16000, 24000, 32000] as const;

/** One row of the table from its task runs: pooled validity, completion, calls, failure modes. */
export function summarizeRow(spec: BenchRowSpec, outcomes: readonly RunOutcome[]): BenchRow {
  let agentTurns = 0;
  let validTurns = 0;
  let modelCalls = 0;
  let rawValidCalls = 0;
  let promptTokens = 0;
  let prefixTurns = 0;
  let prefixExtended = 0;
  let prefixAfterSummary = 0;
  const terminal = Object.fromEntries(TERMINAL_FAILURES.map((mode) => [mode, 0])) as BenchRow["failure_modes"]["terminal"];
  const perTurn: Record<string, number> = Object.fromEntries(FAILURE_MODES.map((mode) => [mode, 0]));
  const interventions: Record<string, number> = Object.fromEntries(INTERVENTIONS.map((name) => [name, 0]));
  const buckets = FILL_EDGES.map((from, i) => ({ from, to: FILL_EDGES[i + 1] ?? null, calls: 0, valid: 0 }));
  const completedCalls: number[] = [];
  let completed = 0;

  for (const outcome of outcomes) {
    const { report } = outcome;
    const agent = report.turns.filter((turn) => turn.kind === "agent");
    const calls = agent.reduce((sum, turn) => sum + turn.attempts.length, 0);
    agentTurns += agent.length;
    validTurns += agent.filter((turn) => turn.valid).length;
    modelCalls += calls;
    promptTokens += report.totals.prompt_tokens;
    prefixTurns += outcome.prefix.turns;
    prefixExtended += outcome.prefix.extended;
    prefixAfterSummary += outcome.prefix.brokenBySummary;
    for (const turn of agent) {
      for (const attempt of turn.attempts) {
        if (attempt.raw_valid) rawValidCalls++;
        const bucket = [...buckets].reverse().find((b) => attempt.prompt_tokens >= b.from);
        if (bucket) {
          bucket.calls++;
          if (attempt.raw_valid) bucket.valid++;
        }
      }
    }
    for (const [mode, count] of Object.entries(report.totals.failure_modes)) perTurn[mode] = (perTurn[mode] ?? 0) + count;
    for (const [name, count] of Object.entries(report.totals.interventions)) interventions[name] = (interventions[name] ?? 0) + count;
    if (outcome.completed) {
      completed++;
      completedCalls.push(calls);
    } else if (outcome.terminal) {
      terminal[outcome.terminal]++;
    }
  }

  const fill: FillBucket[] = buckets.map((b) => ({ from: b.from, to: b.to, calls: b.calls, validity_raw: b.calls ? b.valid / b.calls : null }));
  return {
    model: spec.model,
    scaffold: spec.scaffold,
    layers: listLayers(spec.layers),
    validity_raw: ratio(rawValidCalls, modelCalls),
    validity_effective: ratio(validTurns, agentTurns),
    completed,
    tasks: outcomes.length,
    completion_rate: ratio(completed, outcomes.length),
    median_calls: median(completedCalls),
    failure_modes: { terminal, per_turn: perTurn },
    agent_turns: agentTurns,
    model_calls: modelCalls,
    prompt_tokens: promptTokens,
    prompt_tokens_per_completed: completed ? Math.round(promptTokens / completed) : null,
    prefix_stability: prefixTurns ? prefixExtended / prefixTurns : null,
    prefix_breaks: { after_summary: prefixAfterSummary, other: prefixTurns - prefixExtended - prefixAfterSummary },
    server: summarizeServer(outcomes),
    interventions,
    fill,
  };
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
