import type { ModelBackend, ModelInfo } from "../../src/model/types.js";
import type { HistoryEntry } from "../../src/protocol/history.js";
import type { Observation, TestRun } from "../../src/protocol/observation.js";
import { CHANGE_TOOLS, QUESTION_TOOLS, type ToolCall } from "../../src/protocol/tool-schemas.js";
import type { Intervention, TurnRecord } from "../../src/protocol/turn-record.js";
import { createTokenEstimator } from "../../src/scaffold/context/create-token-estimator.js";
import { callKey } from "../../src/scaffold/detect-loop.js";
import type { LayerRun, WorkspaceView } from "../../src/scaffold/layers/layer.js";
import { scriptedModel } from "./scripted-model.js";

export const INFO: ModelInfo = {
  spec: "scripted:test",
  backend: "scripted",
  name: "scripted",
  quantization: null,
  contextLength: 131072,
  numCtx: 32768,
  backendVersion: null,
  warnings: [],
};

/** A checkout held in memory: version and written files only, for layers that read no file. */
export function memoryWorkspace(
  state: { version?: number; written?: string[] } = {},
): WorkspaceView & { version: number; written: string[] } {
  return {
    version: state.version ?? 0,
    written: state.written ?? [],
    listFiles: async () => [],
    readText: async (path) => ({ ok: false, reason: `"${path}" is not readable here` }),
    checkWrite: (path) => ({ ok: true, path }),
  };
}

/**
 * A run as a layer sees it, with a history that starts like the loop's (system prompt, task) and
 * an `append` that keeps what the layer added. Hooks are driven on it directly.
 */
export function layerRun(
  overrides: {
    history?: HistoryEntry[];
    workspace?: WorkspaceView;
    model?: ModelBackend;
    question?: boolean;
    hasTests?: boolean;
    allowed?: string[];
  } = {},
): LayerRun & { history: HistoryEntry[] } {
  const history: HistoryEntry[] = overrides.history ?? [
    { type: "system", content: "You are a careful engineer." },
    { type: "task", content: "# Fix sum\n\nsum subtracts." },
  ];
  const question = overrides.question ?? false;
  return {
    task: { kind: question ? "question" : "change", title: "Fix sum", allowed: overrides.allowed ?? ["src/sum.js"] },
    tools: question ? QUESTION_TOOLS : CHANGE_TOOLS,
    history,
    append: (...entries) => history.push(...entries),
    workspace: overrides.workspace ?? memoryWorkspace(),
    model: overrides.model ?? scriptedModel([]),
    modelInfo: INFO,
    estimator: createTokenEstimator(),
    hasTests: overrides.hasTests ?? true,
    random: () => 0.5,
  };
}

/** An agent turn's record with only what a test cares about set. */
export function turnRecord(n: number, fields: Partial<TurnRecord> = {}): TurnRecord {
  return {
    n,
    kind: "agent",
    raw_valid: true,
    valid: true,
    tool: null,
    error: null,
    interventions: [],
    failure_mode: null,
    prompt_tokens: 10,
    completion_tokens: 5,
    latency_ms: 1,
    attempts: [],
    note: null,
    ...fields,
  };
}

/** A call that ran, with its result: the two entries the loop appends. */
export function ranCall(
  n: number,
  call: ToolCall,
  result: Partial<Observation> & { version?: number; madeOn?: number; tests?: TestRun } = {},
): HistoryEntry[] {
  const madeOn = result.madeOn ?? 0;
  return [
    {
      type: "call",
      turn: turnRecord(n, { tool: call.tool }),
      call,
      raw: JSON.stringify(call),
      notes: [],
      workspaceVersion: madeOn,
      callKey: callKey(call, madeOn),
    },
    {
      type: "observation",
      turn: n,
      tool: call.tool,
      ok: result.ok ?? true,
      content: result.text ?? "done",
      readKey: null,
      workspaceVersion: result.version ?? madeOn,
      tests: result.tests,
    },
  ];
}

/** A call a layer did not run: the call entry alone (with the layer's interventions). */
export function blockedCall(n: number, call: ToolCall, interventions: Intervention[]): HistoryEntry {
  return {
    type: "call",
    turn: turnRecord(n, { tool: call.tool, interventions }),
    call,
    raw: JSON.stringify(call),
    notes: [],
    workspaceVersion: 0,
    callKey: callKey(call, 0),
  };
}

/** A turn whose reply was unusable. */
export function invalidTurn(n: number, interventions: Intervention[] = []): HistoryEntry {
  return {
    type: "invalid",
    turn: turnRecord(n, { valid: false, raw_valid: false, interventions }),
    raw: "not a call",
    feedback: "Error: no call.",
  };
}

/** A test run's result as the tools give it. */
export function testRun(passed: boolean, failed = passed ? 0 : 1): TestRun {
  return {
    summary: {
      passed,
      exit_code: passed ? 0 : 1,
      timed_out: false,
      failed_count: failed,
      passed_count: 3,
      duration_ms: 10,
    },
    output: passed ? "ok" : "1 failing",
  };
}
