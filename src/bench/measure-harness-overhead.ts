import { queryModel } from "../agent/ask-for-call.js";
import { classifyTurn } from "../agent/classify-turn.js";
import type { AgentRun } from "../agent/open-run.js";
import { buildSystemPrompt } from "../agent/prompts/build-system-prompt.js";
import { buildTaskMessage } from "../agent/prompts/build-task-message.js";
import { numberLines } from "../agent/tools/number-lines.js";
import type { ModelBackend, ModelInfo } from "../model/types.js";
import { DEFAULT_LIMITS } from "../protocol/agent-run.js";
import { describeCall, type HistoryEntry } from "../protocol/history.js";
import { CHANGE_TOOLS, type ToolCall } from "../protocol/tool-schemas.js";
import { SCAFFOLD_LAYERS, type TurnRecord } from "../protocol/turn-record.js";
import { buildPrompt } from "../scaffold/context/build-prompt.js";
import { createTokenEstimator } from "../scaffold/context/create-token-estimator.js";
import { callKey } from "../scaffold/detect-loop.js";
import { findLoop } from "../scaffold/find-loop.js";
import { combineLayers } from "../scaffold/layers/combine-layers.js";
import { createLayers } from "../scaffold/layers/create-layers.js";
import type { Task } from "../task/build-task.js";
import type { Workspace } from "../workspace/create-workspace.js";

export interface HarnessOverhead {
  /** The context size asked for, in tokens. */
  targetTokens: number;
  /** The prompt size reached (estimated tokens). */
  promptTokens: number;
  /** Agent turns in the built history. */
  turns: number;
  /** Median wall time of one turn's harness work, milliseconds. */
  medianMs: number;
}

const TASK: Task = {
  kind: "change",
  title: "Pagination drops the last partial page",
  body: "paginate() reports 2 pages for 25 items at 10 per page; it should be 3.",
  allowed: ["src/paginate.js"],
  kindReason: "benchmark",
  instructions: null,
};

/**
 * Times the harness work of one agent turn at a given context size, with a zero-latency model:
 * building the prompt from the history (context layer view), the token estimates, the model
 * request (serialized as a backend would), parsing and validating the reply, loop detection and
 * failure classification. Tool execution and model time are not included. The history is made of
 * distinct file reads (so read de-duplication cannot shrink it) until the prompt reaches the size.
 */
export async function measureHarnessOverhead(params: { tokens: number; iterations: number; now: () => number }): Promise<HarnessOverhead> {
  const tools = CHANGE_TOOLS;
  const estimator = createTokenEstimator();
  const files = Array.from({ length: 60 }, (_, i) => `src/module-${i}.js`);
  const history: HistoryEntry[] = [
    { type: "system", content: buildSystemPrompt({ task: TASK, tools }) },
    { type: "task", content: buildTaskMessage({ task: TASK, files, testCommand: "npm test" }) },
  ];
  let n = 0;
  while (estimator.estimate(buildPrompt({ history, context: true })) < params.tokens) {
    const call: ToolCall = { thought: "Read the next module.", tool: "read_file", args: { path: `src/module-${n}.js`, start_line: 1, end_line: READ_LINES } };
    const turn = turnRecord(++n, call);
    history.push({ type: "call", turn, call, raw: JSON.stringify(call), notes: [], workspaceVersion: 0, callKey: callKey(call, 0) });
    history.push({ type: "observation", turn: n, tool: "read_file", ok: true, content: `src/module-${n}.js lines 1-${READ_LINES} of 200:\n${numberLines(sourceLines(n), 1)}`, readKey: `read:src/module-${n}.js:1-${READ_LINES}`, workspaceVersion: 0 });
  }
  const promptTokens = estimator.estimate(buildPrompt({ history, context: true }));
  const reply = JSON.stringify({ thought: "Fix the rounding.", tool: "edit_file", args: { path: "src/paginate.js", old_text: "Math.floor(total / size)", new_text: "Math.ceil(total / size)" } });
  let sentBytes = 0;
  const model: ModelBackend = {
    spec: "zero-latency",
    info: async () => INFO,
    complete: async (request) => {
      // A real backend serializes the request; that cost is the harness's, not the model's.
      sentBytes += JSON.stringify({ messages: request.messages, format: request.constraint?.jsonSchema }).length;
      return { content: reply, latencyMs: 0 };
    },
  };

  const run = harnessRun({ history, model, estimator });

  const turnOnce = async () => {
    const budgetCheck = estimator.estimate(run.hooks.view(history));
    const asked = await queryModel(run, [], []);
    if (asked?.kind !== "call") throw new Error("measureHarnessOverhead: the fixed reply did not parse");
    const loop = findLoop(history, asked.call, 0);
    classifyTurn(run, asked, { valid: true, loop: loop.kind !== "none" });
    return budgetCheck + describeCall(asked.call).length;
  };

  for (let i = 0; i < Math.min(20, params.iterations); i++) await turnOnce();
  const times: number[] = [];
  for (let i = 0; i < params.iterations; i++) {
    const start = params.now();
    await turnOnce();
    times.push(params.now() - start);
  }
  times.sort((a, b) => a - b);
  if (sentBytes === 0) throw new Error("measureHarnessOverhead: no request was serialized");
  return { targetTokens: params.tokens, promptTokens, turns: n, medianMs: times[Math.floor(times.length / 2)] ?? 0 };
}

const INFO: ModelInfo = {
  spec: "zero-latency", backend: "sim", name: "zero-latency", quantization: null, contextLength: 131072, numCtx: 32768, backendVersion: null, warnings: [],
};

/** The loop's view of a run with every layer on, over a built history and a checkout nothing touches. */
function harnessRun(params: { history: HistoryEntry[]; model: ModelBackend; estimator: ReturnType<typeof createTokenEstimator> }): AgentRun {
  const limits = { ...DEFAULT_LIMITS, backoffMs: 0 };
  const workspace: Workspace = {
    root: "/nonexistent",
    version: 0,
    written: [],
    listFiles: async () => [],
    readText: async () => ({ ok: false, reason: "not read" }),
    checkWrite: () => ({ ok: false, reason: "not written" }),
    writeText: async () => ({ ok: false, reason: "not written" }),
    invalidate: () => undefined,
  };
  const { history } = params;
  return {
    task: TASK, tools: CHANGE_TOOLS, history, append: (...entries) => history.push(...entries), workspace, model: params.model, modelInfo: INFO,
    estimator: params.estimator, hasTests: true, random: () => 0.5, hooks: combineLayers(createLayers(new Set(SCAFFOLD_LAYERS), limits)), limits,
    clock: { now: () => 0, sleep: async () => undefined }, started: 0, runTests: null, env: {}, isAllowed: () => true,
  };
}

function turnRecord(n: number, call: ToolCall): TurnRecord {
  return {
    n, kind: "agent", raw_valid: true, valid: true, tool: call.tool, error: null, interventions: [], failure_mode: null,
    prompt_tokens: 0, completion_tokens: 0, latency_ms: 0, attempts: [], note: describeCall(call),
  };
}

/** Lines per read in the built history: small steps, so each size is reached closely. */
const READ_LINES = 30;

/** Plausible, distinct JavaScript. */
function sourceLines(seed: number): string[] {
  return Array.from({ length: READ_LINES }, (_, i) =>
    i % 8 === 0 ? `export function handler${seed}_${i}(request, options = {}) {` : i % 8 === 7 ? "}" : `  const value${i} = options.limit${i} ?? computeDefault(request.items, ${seed * 100 + i});`,
  );
}
