import { ModelError } from "../model/model-error.js";
import type { AgentExit } from "../protocol/agent-run.js";
import { firstSentence } from "../protocol/first-sentence.js";
import { agentTurnCount, describeCall, type HistoryEntry, lastTestRun } from "../protocol/history.js";
import type { TestRun } from "../protocol/observation.js";
import type { ToolCall } from "../protocol/tool-schemas.js";
import { checkFinish } from "../scaffold/check-finish.js";
import { findLoop } from "../scaffold/find-loop.js";
import { type Asked, askForCall } from "./ask-for-call.js";
import { classifyTurn } from "./classify-turn.js";
import { callEntries } from "./history-entries.js";
import { type AgentRun, openRun, type RunAgentParams } from "./open-run.js";
import { recordTurn } from "./record-turn.js";
import { runTool } from "./run-tool.js";

export type { RunAgentParams } from "./open-run.js";

export interface AgentResult {
  exit: AgentExit;
  /** One line: why the loop ended. */
  reason: string;
  /** The run's record: every message the model was shown and every turn, in order. */
  history: readonly HistoryEntry[];
  summary: string | null;
  answer: string | null;
  lastTests: TestRun | null;
}

/**
 * The agent loop: ask for one tool call (the layers shape the request, parse the reply and
 * decide about a bad one), let the layers pass or stop the call, run it, let them look at the
 * result, and record the turn, until `finish`/`answer` or a limit. The history is the record.
 */
export async function runAgent(params: RunAgentParams): Promise<AgentResult> {
  const run = await openRun(params);
  const { history, hooks, workspace } = run;
  for (;;) {
    const limit = reachedLimit(run);
    if (limit) return endRun(run, limit);
    let asked: Asked;
    try {
      asked = await askForCall(run);
    } catch (error) {
      return endRun(run, modelFailure(error, run.signal));
    }

    if (asked.kind === "invalid") {
      const failure_mode = classifyTurn(run, asked, { valid: false });
      const fields = { valid: false, tool: asked.tool, error: asked.error, failure_mode, interventions: asked.decided };
      run.append({ type: "invalid", turn: recordTurn(run, asked, fields), raw: asked.raw, feedback: asked.feedback });
      if (asked.exit) return endRun(run, asked.exit);
      continue;
    }

    const { call } = asked;
    const madeOn = workspace.version;
    const loop = findLoop(history, call, madeOn).kind !== "none";
    const verdict = hooks.beforeTool(call, run);
    if (verdict.kind === "block" || verdict.kind === "exit") {
      const turn = recordTurn(run, asked, { valid: true, tool: call.tool, ...verdict.turn });
      run.append(...callEntries({ turn, call, reply: asked, madeOn }));
      if (verdict.kind === "exit") return endRun(run, verdict);
      run.append({ type: "nudge", turn: turn.n, content: verdict.message });
      continue;
    }

    if (call.tool === "finish" || call.tool === "answer") {
      // Without the stops layer a premature finish still ends the run, recorded as what it is.
      const premature = prematureFinish(run, call);
      const failure_mode = premature ? "premature_stop" : classifyTurn(run, asked, { valid: true, loop });
      const turn = recordTurn(run, asked, { valid: true, tool: call.tool, failure_mode, note: call.tool });
      run.append(...callEntries({ turn, call, reply: asked, madeOn }));
      if (call.tool === "answer") return endRun(run, { exit: "answered", reason: "answered", answer: call.args.text });
      const reason = premature ? `finish accepted unchecked: ${firstSentence(premature)}` : "finish accepted";
      return endRun(run, { exit: "finished", reason, summary: call.args.summary });
    }

    const { observation, interventions } = await runTool(run, call, verdict);
    if (run.signal?.aborted) return endRun(run, { exit: "cancelled", reason: "the run was cancelled" });
    const error = observation.ok ? null : firstSentence(observation.text);
    const failure_mode = classifyTurn(run, asked, { valid: true, loop, call, observation });
    const note = `${describeCall(call)} → ${firstLine(observation.text)}`;
    const turn = recordTurn(run, asked, { valid: true, tool: call.tool, error, failure_mode, interventions, note });
    const result = { observation, workspaceVersion: workspace.version };
    run.append(...callEntries({ turn, call, reply: asked, madeOn, result }));
    if (observation.tests?.summary.passed) await run.onGreen?.(workspace.written);
  }
}

interface Ending {
  exit: AgentExit;
  reason: string;
  summary?: string;
  answer?: string;
}

function endRun(run: AgentRun, ending: Ending): AgentResult {
  const { history } = run;
  const lastTests = lastTestRun(history)?.tests ?? null;
  return {
    exit: ending.exit,
    reason: ending.reason,
    history,
    summary: ending.summary ?? null,
    answer: ending.answer ?? null,
    lastTests,
  };
}

/** The stops layer's judgement of a `finish` of a change task, made whether or not that layer is on. */
function prematureFinish(run: AgentRun, call: ToolCall): string | null {
  if (run.task.kind !== "change" || call.tool !== "finish") return null;
  return checkFinish({
    history: run.history,
    edits: run.workspace.written.length,
    version: run.workspace.version,
    hasTests: run.hasTests,
  });
}

function reachedLimit(run: AgentRun): Ending | null {
  const { limits } = run;
  if (run.signal?.aborted) return { exit: "cancelled", reason: "the run was cancelled" };
  if (agentTurnCount(run.history) >= limits.maxTurns)
    return { exit: "max_turns", reason: `max turns (${limits.maxTurns}) reached` };
  if (run.clock.now() - run.started > limits.wallClockMs)
    return { exit: "timeout", reason: `wall-clock limit (${Math.round(limits.wallClockMs / 60_000)} min) reached` };
  return null;
}

function modelFailure(error: unknown, signal: AbortSignal | undefined): Ending {
  if (signal?.aborted || (error instanceof ModelError && error.code === "aborted"))
    return { exit: "cancelled", reason: "the run was cancelled" };
  return {
    exit: "model_error",
    reason:
      error instanceof ModelError
        ? error.describe()
        : `model call failed: ${error instanceof Error ? error.message : String(error)}`,
  };
}

function firstLine(text: string): string {
  const line = text.split("\n")[0] ?? "";
  return line.length > 120 ? `${line.slice(0, 120)}…` : line;
}
