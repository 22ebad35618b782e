import type { TestRun } from "./observation.js";
import type { TurnRecord } from "./turn-record.js";
import type { ToolCall, ToolName } from "./tool-schemas.js";

/**
 * The run's history: a plain list that is both what the model is shown (through the context
 * layer's view of it) and the run's record (the report is read off it). Entries are only ever
 * appended; summaries do not delete turns, they tell the prompt builder what to fold.
 */
export type HistoryEntry =
  /** The system prompt: rules, tools, one example call. */
  | { type: "system"; content: string }
  /** The task: issue text, allowed files, test command, file list. */
  | { type: "task"; content: string }
  /** Schema re-injection as a fresh system message (reinject layer). */
  | { type: "reinject"; content: string; beforeTurn: number }
  /**
   * A turn that produced a valid tool call, made on the files at `workspaceVersion` (before it
   * ran); `callKey` says which call on which files it was, for loop detection.
   */
  | { type: "call"; turn: TurnRecord; call: ToolCall; raw: string; notes: string[]; workspaceVersion: number; callKey: string }
  /** A turn whose reply could not be used; `raw` and `feedback` enter the conversation. */
  | { type: "invalid"; turn: TurnRecord; raw: string; feedback: string }
  /** What a tool returned. */
  | {
      type: "observation";
      turn: number;
      tool: ToolName;
      ok: boolean;
      content: string;
      /** Identifies a read (file + range, search, listing) so repeated reads can be folded. */
      readKey: string | null;
      /** Workspace version when the read happened: an unchanged version means unchanged content. */
      workspaceVersion: number;
      /** The test run, for `run_tests`: the stops layer and the final report read the last one. */
      tests?: TestRun;
    }
  /** A message from the scaffolding (recovery, continuation, rejected finish, loop warning). */
  | { type: "nudge"; turn: number; content: string }
  /**
   * A scrollback summary: entries before `foldBefore` are replaced in the prompt by `recap`
   * (written by the model) and `actions` (one line per turn taken so far).
   */
  | { type: "summary"; turn: TurnRecord; foldBefore: number; recap: string; actions: string[] };

/** The report's turn rows, in order. */
export function turnRecords(history: readonly HistoryEntry[]): TurnRecord[] {
  const turns: TurnRecord[] = [];
  for (const entry of history) {
    if (entry.type === "call" || entry.type === "invalid" || entry.type === "summary") turns.push(entry.turn);
  }
  return turns;
}

/** The number the next turn record gets (agent and summary turns count). */
export function nextTurnNumber(history: readonly HistoryEntry[]): number {
  return turnRecords(history).length + 1;
}

/** Agent turns recorded so far (summaries excluded): the turn budget and re-injection count these. */
export function agentTurnCount(history: readonly HistoryEntry[]): number {
  return turnRecords(history).filter((turn) => turn.kind === "agent").length;
}

/** The agent turns since the last valid call, all invalid (summaries skipped): "invalid replies in a row". */
export function invalidStreak(history: readonly HistoryEntry[]): TurnRecord[] {
  const streak: TurnRecord[] = [];
  for (let i = history.length - 1; i >= 0; i--) {
    const entry = history[i];
    if (entry?.type === "call") break;
    if (entry?.type === "invalid") streak.unshift(entry.turn);
  }
  return streak;
}

/** The last test run in the history and the workspace version it ran on, or null. */
export function lastTestRun(history: readonly HistoryEntry[]): { tests: TestRun; workspaceVersion: number } | null {
  for (let i = history.length - 1; i >= 0; i--) {
    const entry = history[i];
    if (entry?.type === "observation" && entry.tests) return { tests: entry.tests, workspaceVersion: entry.workspaceVersion };
  }
  return null;
}

/** A short account of a turn for the summary's action log and for logs. */
export function describeCall(call: ToolCall): string {
  switch (call.tool) {
    case "list_files":
      return `list_files ${call.args.path ?? "."}`;
    case "read_file": {
      const range = call.args.start_line !== undefined ? ` ${call.args.start_line}-${call.args.end_line ?? "end"}` : "";
      return `read_file ${call.args.path}${range}`;
    }
    case "search":
      return `search ${JSON.stringify(call.args.pattern)}${call.args.path ? ` in ${call.args.path}` : ""}`;
    case "edit_file":
      return `edit_file ${call.args.path}`;
    case "write_file":
      return `write_file ${call.args.path}`;
    case "run_tests":
      return "run_tests";
    case "finish":
      return "finish";
    case "answer":
      return "answer";
  }
}
