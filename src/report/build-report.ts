import type { ModelInfo } from "../model/types.js";
import type { Task } from "../task/build-task.js";
import type { RunnerDescription } from "../workspace/command-runner.js";
import {
  FAILURE_MODES,
  INTERVENTIONS,
  type Outcome,
  type Report,
  type ScaffoldLayer,
  type TestSummary,
  type TurnRecord,
} from "./report-schema.js";

export interface BuildReportParams {
  task: Task;
  testCommand: string | null;
  model: ModelInfo;
  outcome: Outcome;
  exitReason: string;
  /** The loop's exit as one word (`finished`, `max_turns`, …; `setup_failed` when it never ran). */
  exitKind?: string | null;
  /** The prompt-token budget of the run. */
  contextBudget?: number | null;
  scaffold: readonly ScaffoldLayer[];
  sandbox: RunnerDescription;
  turns: readonly TurnRecord[];
  summary: string | null;
  answer: string | null;
  filesChanged: readonly string[];
  startedAt: Date;
  durationMs: number;
  testsBefore: TestSummary | null;
  testsAfter: TestSummary | null;
}

/** Turn records and run facts → the report (pure). */
export function buildReport(params: BuildReportParams): Report {
  const agent = params.turns.filter((turn) => turn.kind === "agent");
  const agentCalls = agent.flatMap((turn) => turn.attempts);
  const interventions: Record<string, number> = Object.fromEntries(INTERVENTIONS.map((name) => [name, 0]));
  const failure_modes: Record<string, number> = Object.fromEntries(FAILURE_MODES.map((name) => [name, 0]));
  for (const turn of params.turns) {
    for (const name of turn.interventions) interventions[name] = (interventions[name] ?? 0) + 1;
    if (turn.failure_mode) failure_modes[turn.failure_mode] = (failure_modes[turn.failure_mode] ?? 0) + 1;
  }
  const executed = agent.filter((turn) => turn.valid && turn.tool !== null && !turn.interventions.includes("loop_detected")).length;
  return {
    version: 1,
    task: {
      kind: params.task.kind,
      title: params.task.title,
      allowed_files: [...params.task.allowed],
      all_files_allowed: params.task.allFilesAllowed ?? false,
      test_command: params.testCommand,
    },
    model: {
      spec: params.model.spec,
      backend: params.model.backend,
      name: params.model.name,
      quantization: params.model.quantization,
      context_length: params.model.contextLength,
      num_ctx: params.model.numCtx,
      backend_version: params.model.backendVersion,
    },
    outcome: params.outcome,
    exit_reason: params.exitReason,
    exit_kind: params.exitKind ?? null,
    context_budget: params.contextBudget ?? null,
    scaffold: [...params.scaffold],
    sandbox: { mode: params.sandbox.mode, limits: { ...params.sandbox.limits } },
    summary: params.summary,
    answer: params.answer,
    files_changed: [...params.filesChanged],
    started_at: params.startedAt.toISOString(),
    duration_ms: Math.round(params.durationMs),
    turns: [...params.turns],
    totals: {
      turns: params.turns.length,
      model_calls: params.turns.reduce((sum, turn) => sum + turn.attempts.length, 0),
      tool_calls: executed,
      validity_raw: ratio(agentCalls.filter((call) => call.raw_valid).length, agentCalls.length),
      validity_effective: ratio(agent.filter((turn) => turn.valid).length, agent.length),
      retries: agent.reduce((sum, turn) => sum + Math.max(0, turn.attempts.length - 1), 0),
      interventions,
      failure_modes: failure_modes,
      prompt_tokens: params.turns.reduce((sum, turn) => sum + turn.prompt_tokens, 0),
      completion_tokens: params.turns.reduce((sum, turn) => sum + turn.completion_tokens, 0),
      tests_before: params.testsBefore,
      tests_after: params.testsAfter,
    },
  };
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}
