import type { AgentExit } from "../protocol/agent-run.js";
import type { FailureMode, Report } from "../report/report-schema.js";
import { createAllowedMatcher } from "../task/allowed-files.js";
import type { TerminalFailure } from "./bench-result-schema.js";

/**
 * Scores one task run like the published benchmark: a change task counts only when the agent
 * finished AND the tests pass; a question task when it answered and the answer matches every
 * `expected_answer` pattern. A failed run is attributed to what ended it.
 */
export function scoreRun(params: {
  report: Report;
  exit: AgentExit | null;
  expectedAnswer: readonly string[] | undefined;
}): { completed: boolean; terminal: TerminalFailure | null } {
  const { report, exit } = params;
  const completed =
    report.task.kind === "change"
      ? report.outcome === "completed"
      : report.outcome === "answered" && (params.expectedAnswer ?? []).every((pattern) => new RegExp(pattern, "i").test(report.answer ?? ""));
  if (completed) return { completed, terminal: null };
  return { completed, terminal: terminalFailure(report, exit) };
}

/** Repeats of one call that make a failed run a loop failure: where the loop layer stops a run. */
const LOOP_TURNS = 5;

function terminalFailure(report: Report, exit: AgentExit | null): TerminalFailure {
  const agentTurns = report.turns.filter((turn) => turn.kind === "agent");
  // A run that spent itself repeating a call failed of the loop, whatever error came last.
  const looped = agentTurns.filter((turn) => turn.failure_mode === "infinite_loop").length >= LOOP_TURNS;
  if (looped && exit !== "context_overflow" && exit !== "model_error" && exit !== "cancelled") return "infinite_loop";
  switch (exit) {
    case "format_errors":
      return agentTurns.at(-1)?.failure_mode ?? "tool_call_hallucination";
    case "premature_stop":
      return "premature_stop";
    case "infinite_loop":
      return "infinite_loop";
    case "context_overflow":
      return "context_truncation";
    case "finished": {
      // Finished with failing tests: the work landed in the wrong file, or it stopped too early.
      const allowed = createAllowedMatcher(report.task.allowed_files);
      return report.files_changed.some((file) => !allowed(file)) ? "wrong_file_edit" : "premature_stop";
    }
    case "answered": {
      // An answer given before looking at any code is a premature stop; otherwise it is wrong.
      const looked = agentTurns.some((turn) => turn.valid && (turn.tool === "read_file" || turn.tool === "search") && turn.error === null);
      return looked ? "wrong_answer" : "premature_stop";
    }
    case "max_turns":
    case "timeout":
      return mostFrequent(agentTurns.map((turn) => turn.failure_mode)) ?? "other";
    default:
      return "other";
  }
}

/** The most frequent non-null mode; ties go to the one seen last. */
function mostFrequent(modes: readonly (FailureMode | null)[]): FailureMode | null {
  const counts = new Map<FailureMode, number>();
  let best: FailureMode | null = null;
  for (const mode of modes) {
    if (mode === null) continue;
    const count = (counts.get(mode) ?? 0) + 1;
    counts.set(mode, count);
    if (best === null || count >= (counts.get(best) ?? 0)) best = mode;
  }
  return best;
}
