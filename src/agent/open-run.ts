import type { ModelBackend, ModelInfo } from "../model/types.js";
import type { AgentLimits } from "../protocol/agent-run.js";
import type { HistoryEntry } from "../protocol/history.js";
import type { RunTests } from "../protocol/observation.js";
import { CHANGE_TOOLS, QUESTION_TOOLS } from "../protocol/tool-schemas.js";
import type { TurnRecord } from "../protocol/turn-record.js";
import { createTokenEstimator } from "../scaffold/context/create-token-estimator.js";
import { combineLayers, type LayerHooks } from "../scaffold/layers/combine-layers.js";
import type { Layer, LayerRun } from "../scaffold/layers/layer.js";
import { createAllowedMatcher } from "../task/allowed-files.js";
import type { Task } from "../task/build-task.js";
import type { Workspace } from "../workspace/create-workspace.js";
import { buildSystemPrompt } from "./prompts/build-system-prompt.js";
import { buildTaskMessage } from "./prompts/build-task-message.js";

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface RunAgentParams {
  task: Task;
  model: ModelBackend;
  modelInfo: ModelInfo;
  workspace: Workspace;
  runTests: RunTests | null;
  testCommand: string | null;
  /** The enabled scaffold layers, in hook order (`createLayers`). */
  layers: readonly Layer[];
  limits: AgentLimits;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  clock?: Clock;
  random?: () => number;
  /** Called after each turn (progress in logs and check runs). */
  onTurn?: (turn: TurnRecord) => void;
  /** Called after a passing test run with the files written so far (the app commits a checkpoint). */
  onGreen?: (written: readonly string[]) => Promise<void>;
}

/** The run as the loop sees it: what the layers see, plus the hooks, the limits and the tools' needs. */
export interface AgentRun extends LayerRun {
  readonly task: Task;
  readonly workspace: Workspace;
  readonly hooks: LayerHooks;
  readonly limits: AgentLimits;
  readonly clock: Clock;
  /** When the loop started (`clock.now()`). */
  readonly started: number;
  readonly runTests: RunTests | null;
  readonly env: NodeJS.ProcessEnv;
  /** Is a repo-relative path one of the allowed files (for the wrong-file classification)? */
  readonly isAllowed: (path: string) => boolean;
  readonly onGreen?: (written: readonly string[]) => Promise<void>;
}

const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
};

/** The run's opening: the tools for the task kind, the history with the system prompt and the task. */
export async function openRun(params: RunAgentParams): Promise<AgentRun> {
  const { task, workspace } = params;
  const tools = task.kind === "question" ? QUESTION_TOOLS : CHANGE_TOOLS;
  const files = await workspace.listFiles();
  const history: HistoryEntry[] = [
    { type: "system", content: buildSystemPrompt({ task, tools }) },
    { type: "task", content: buildTaskMessage({ task, files, testCommand: params.testCommand }) },
  ];
  const clock = params.clock ?? realClock;
  return {
    task,
    tools,
    history,
    append(...entries) {
      for (const entry of entries) {
        history.push(entry);
        if ("turn" in entry && typeof entry.turn === "object") params.onTurn?.(entry.turn);
      }
    },
    workspace,
    model: params.model,
    modelInfo: params.modelInfo,
    estimator: createTokenEstimator(),
    hasTests: params.runTests !== null,
    random: params.random ?? Math.random,
    signal: params.signal,
    hooks: combineLayers(params.layers),
    limits: params.limits,
    clock,
    started: clock.now(),
    runTests: params.runTests,
    env: params.env,
    isAllowed: createAllowedMatcher(task.allowed),
    onGreen: params.onGreen,
  };
}
