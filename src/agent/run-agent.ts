import { ModelError } from "../model/model-error.js";
import type { AgentExit } from "../protocol/agent-run.js";
import { firstSentence } from "../protocol/first-sentence.js";
import { agentTurnCount, describeCall, type HistoryEntry, lastTestRun } from "../protocol/history.js";
import type { TestRun } from "../protocol/observation.js";
import type { TurnRecord } from "../protocol/turn-record.js";
import { checkFinish } from "../scaffold/check-finish.js";
import { findLoop } from "../scaffold/find-loop.js";
import { type Asked, askForCall } from "./ask-for-call.js";
import { classifyTurn } from "./classify-turn.js";
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
  const end = (exit: AgentExit, reason: string, extra: Partial<AgentResult> = {}): AgentResult => ({
    exit, reason, history, summary: null, answer: null, lastTests: lastTestRun(history)?.tests ?? null, ...extra,
  });
  for (;;) {
    const limit = reachedLimit(run);
    if (limit) return end(limit.exit, limit.reason);
    let asked: Asked;
    try {
      asked = await askForCall(run);
    } catch (error) {
      const failure = modelFailure(error, run.signal);
      return end(failure.exit, failure.reason);
    }

    if (asked.kind === "invalid") {
      const turn = recordTurn(run, asked, { valid: false, tool: asked.tool, error: asked.error, failure_mode: classifyTurn(run, asked, { valid: false }), interventions: asked.decided });
      run.append({ type: "invalid", turn, raw: asked.raw, feedback: asked.feedback });
      if (asked.exit) return end(asked.exit.exit, asked.exit.reason);
      continue;
    }

    const { call } = asked;
    const madeOn = workspace.version;
    const callEntry = (turn: TurnRecord): HistoryEntry => ({ type: "call", turn, call, raw: asked.raw, notes: asked.notes, workspaceVersion: madeOn });
    const loop = findLoop(history, call, madeOn).kind !== "none";
    const verdict = hooks.beforeTool(call, run);
    if (verdict.kind === "block" || verdict.kind === "exit") {
      const { error, failureMode, interventions, note } = verdict.turn;
      const turn = recordTurn(run, asked, { valid: true, tool: call.tool, error, failure_mode: failureMode, interventions, note });
      run.append(callEntry(turn));
      if (verdict.kind === "exit") return end(verdict.exit, verdict.reason);
      run.append({ type: "nudge", turn: turn.n, content: verdict.message });
      continue;
    }

    if (call.tool === "finish" || call.tool === "answer") {
      // Without the stops layer a premature finish ends the run, but is recorded as what it is.
      const premature = run.task.kind === "change" && call.tool === "finish" ? checkFinish({ history, edits: workspace.written.length, version: madeOn, hasTests: run.hasTests }) : null;
      const failure_mode = premature ? "premature_stop" : classifyTurn(run, asked, { valid: true, loop });
      run.append(callEntry(recordTurn(run, asked, { valid: true, tool: call.tool, failure_mode, note: call.tool })));
      if (call.tool === "answer") return end("answered", "answered", { answer: call.args.text });
      return end("finished", premature ? `finish accepted unchecked: ${firstSentence(premature)}` : "finish accepted", { summary: call.args.summary });
    }

    const { observation, interventions } = await runTool(run, call, verdict);
    if (run.signal?.aborted) return end("cancelled", "the run was cancelled");
    const turn = recordTurn(run, asked, {
      valid: true, tool: call.tool, error: observation.ok ? null : firstSentence(observation.text),
      failure_mode: classifyTurn(run, asked, { valid: true, loop, call, observation }), interventions, note: `${describeCall(call)} → ${firstLine(observation.text)}`,
    });
    run.append(callEntry(turn));
    run.append({ type: "observation", turn: turn.n, tool: call.tool, ok: observation.ok, content: observation.text, readKey: observation.readKey ?? null, workspaceVersion: workspace.version, tests: observation.tests });
    if (observation.tests?.summary.passed) await run.onGreen?.(workspace.written);
  }
}

function reachedLimit(run: AgentRun): { exit: AgentExit; reason: string } | null {
  const { limits } = run;
  if (run.signal?.aborted) return { exit: "cancelled", reason: "the run was cancelled" };
  if (agentTurnCount(run.history) >= limits.maxTurns) return { exit: "max_turns", reason: `max turns (${limits.maxTurns}) reached` };
  if (run.clock.now() - run.started > limits.wallClockMs) return { exit: "timeout", reason: `wall-clock limit (${Math.round(limits.wallClockMs / 60_000)} min) reached` };
  return null;
}

function modelFailure(error: unknown, signal: AbortSignal | undefined): { exit: AgentExit; reason: string } {
  if (signal?.aborted || (error instanceof ModelError && error.code === "aborted")) return { exit: "cancelled", reason: "the run was cancelled" };
  return { exit: "model_error", reason: error instanceof ModelError ? error.describe() : `model call failed: ${error instanceof Error ? error.message : String(error)}` };
}

function firstLine(text: string): string {
  const line = text.split("\n")[0] ?? "";
  return line.length > 120 ? `${line.slice(0, 120)}…` : line;
}
