import type { ChatMessage, ModelBackend, ModelInfo, ModelReply, ModelRequest } from "../../model/types.js";
import type { AgentExit } from "../../protocol/agent-run.js";
import type { HistoryEntry } from "../../protocol/history.js";
import type { Observation } from "../../protocol/observation.js";
import type { ToolCall, ToolName } from "../../protocol/tool-schemas.js";
import type { FailureMode, Intervention, ScaffoldLayer } from "../../protocol/turn-record.js";
import type { TokenEstimator } from "../context/create-token-estimator.js";
import type { ParsedReply } from "../repair/parsed-reply.js";
import type { ReplyError } from "../repair/validate-call.js";

/**
 * One scaffold layer: an object with some of the hooks below. The loop calls the enabled
 * layers' hooks in a fixed order (the list `createLayers` returns) at fixed points, and knows
 * no layer by name; a layer keeps its own state, made fresh for each run. Every hook is
 * optional: a layer has only the ones it acts at. How several layers' answers combine is in
 * `combine-layers.ts`; what the loop does when no layer answers is the naive harness.
 */
export interface Layer {
  readonly name: ScaffoldLayer;

  /**
   * Before each agent turn's first model call, once per turn. May add entries to the history
   * through `run.append` (a summary, a reminder of the tool schemas) and call the model for a
   * summary of its own; returns the interventions to record on the turn.
   */
  beforeQuery?(run: LayerRun): Promise<Intervention[]>;

  /**
   * The model's view of the history, in place of the verbatim one: the first layer that has it
   * renders every agent prompt. Must be a pure function of the history.
   */
  view?(history: readonly HistoryEntry[]): ChatMessage[];

  /**
   * On every agent model request (the first attempt and each requery), just before it is sent:
   * returns the request to send. May constrain decoding or sampling; must keep the messages.
   */
  constrain?(request: ModelRequest, run: LayerRun): ModelRequest;

  /**
   * Reads a reply into one tool call, in place of the strict parse: the first layer that has
   * it parses every reply. `rawValid` must still be the strict verdict.
   */
  parse?(reply: ModelReply, run: LayerRun): ParsedReply;

  /**
   * After a model call whose reply cannot be used, or whose prompt did not fit the context
   * window. Returns a verdict, or nothing to leave the reply to the other layers: `requery`
   * (ask again within the turn, with messages only that retry sees), `reask` (the history
   * changed: ask the whole turn again), `feedback` (the turn ends invalid; this text follows the
   * bad reply in the history), `exit` (the run ends).
   */
  onInvalid?(invalid: InvalidReply, run: LayerRun): Promise<InvalidVerdict | undefined>;

  /**
   * Before a valid call runs (`finish` and `answer` included), with nothing of it recorded yet.
   * Returns `run`; `refuse` (the tool is not run and this observation is its result); `block`
   * (not run: the turn is recorded as given and `message` is shown to the model); or `exit`
   * (the turn is recorded as given and the run ends).
   */
  beforeTool?(call: ToolCall, run: LayerRun): ToolVerdict;

  /**
   * After a tool ran or was refused, before its result is cut to size and recorded. May
   * rewrite the observation (add a hint); returns it with the interventions to record.
   */
  afterTool?(call: ToolCall, observation: Observation, run: LayerRun): Promise<ReviewedObservation>;
}

/** What a layer sees of the run, and the one way it changes it (`append`). */
export interface LayerRun {
  readonly task: { readonly kind: "change" | "question"; readonly title: string; readonly allowed: readonly string[] };
  /** The tools this task offers. */
  readonly tools: readonly ToolName[];
  /** The run's record so far: what the model was shown and what happened, in order. */
  readonly history: readonly HistoryEntry[];
  /** Adds to the history (an entry with a turn record is reported as a turn). */
  append(...entries: HistoryEntry[]): void;
  readonly workspace: WorkspaceView;
  readonly model: ModelBackend;
  readonly modelInfo: ModelInfo;
  /** The run's token estimator, calibrated by the server's counts as the run goes. */
  readonly estimator: TokenEstimator;
  /** A test command exists (`run_tests` can pass). */
  readonly hasTests: boolean;
  /** Randomness for sampling changes (seeded in the benchmark). */
  readonly random: () => number;
  readonly signal?: AbortSignal;
}

/** The checkout as far as layers need it (the agent's `Workspace` is one). */
export interface WorkspaceView {
  /** Bumped by every successful write. */
  readonly version: number;
  /** Repo-relative paths written during this run. */
  readonly written: readonly string[];
  listFiles(): Promise<string[]>;
  readText(repoPath: string): Promise<{ ok: true; path: string; text: string } | { ok: false; reason: string }>;
  /** Whether the workspace's own guards (path, question task, workflows) let a write through. */
  checkWrite(repoPath: string): { ok: true; path: string } | { ok: false; reason: string };
}

export type InvalidReply =
  /** The reply holds no valid call; `attempt` counts this turn's model calls from 0. */
  | {
      kind: "reply";
      error: ReplyError;
      raw: string;
      /** The model-level cause (empty, cut off), when there is one. */
      problem: string | null;
      /** An empty reply or prose with no call in it: the model stopped. */
      stopped: boolean;
      attempt: number;
    }
  /** The prompt did not fit: the server refused it, or dropped part of it without saying. */
  | { kind: "overflow"; reason: string; attempt: number };

export type InvalidVerdict =
  | {
      kind: "requery";
      /** Shown after the prompt to this requery only: the history never holds them. */
      messages: ChatMessage[];
      temperature: number;
      seed: number | undefined;
      /** Wait before asking. */
      delayMs: number;
      interventions: Intervention[];
    }
  | { kind: "reask"; interventions: Intervention[] }
  | { kind: "feedback"; text: string; interventions: Intervention[] }
  | { kind: "exit"; exit: AgentExit; reason: string; feedback: string; interventions: Intervention[] };

/** How a call that did not run is recorded. */
export interface BlockedTurn {
  error: string;
  failure_mode: FailureMode;
  interventions: Intervention[];
  note: string;
}

export type ToolVerdict =
  | { kind: "run" }
  | { kind: "refuse"; observation: Observation }
  | { kind: "block"; turn: BlockedTurn; message: string }
  | { kind: "exit"; turn: BlockedTurn; exit: AgentExit; reason: string };

export interface ReviewedObservation {
  observation: Observation;
  interventions: Intervention[];
}
