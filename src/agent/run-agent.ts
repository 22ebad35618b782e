import { ModelError } from "../model/model-error.js";
import type { ModelBackend, ModelInfo } from "../model/types.js";
import type { Intervention, ScaffoldLayer, TurnRecord } from "../report/report-schema.js";
import { checkFinish } from "../scaffold/check-finish.js";
import { classifyFailure } from "../scaffold/classify-failure.js";
import { decideInvalidReply, firstSentence } from "../scaffold/decide-invalid-reply.js";
import { buildPrompt } from "../scaffold/context/build-prompt.js";
import { createTokenEstimator } from "../scaffold/context/create-token-estimator.js";
import { planCompaction } from "../scaffold/context/plan-compaction.js";
import { canonicalJson, detectLoop, type CallRecord } from "../scaffold/detect-loop.js";
import { isStopReply } from "../scaffold/is-stop-reply.js";
import { noteReplyFamilies } from "../scaffold/note-reply-families.js";
import { queryToolCall, serverTimings, type QueryResult } from "../scaffold/query-tool-call.js";
import { toolCallGbnf } from "../scaffold/tool-call-gbnf.js";
import { createAllowedMatcher } from "../task/allowed-files.js";
import type { Task } from "../task/build-task.js";
import type { Workspace } from "../workspace/create-workspace.js";
import { describeCall, type HistoryEntry } from "./history.js";
import { buildSystemPrompt } from "./prompts/build-system-prompt.js";
import { buildTaskMessage } from "./prompts/build-task-message.js";
import { buildToolReminder } from "./prompts/build-tool-reminder.js";
import { CHANGE_TOOLS, QUESTION_TOOLS, toolCallJsonSchema, type ToolCall } from "./tool-schemas.js";
import { executeToolCall } from "./tools/execute-tool-call.js";
import type { RunTests, TestRun } from "./tools/tool-context.js";

export interface AgentLimits {
  /** Agent turns before the run stops (default 40). */
  maxTurns: number;
  /** Wall-clock limit for the loop (default 20 min). */
  wallClockMs: number;
  /** Prompt tokens the context layer keeps the conversation under. */
  contextBudget: number;
  /** Largest tool observation shown to the model, in characters. */
  maxObservationChars: number;
  /** Generated tokens per reply. */
  maxTokens: number;
  temperature: number;
  /** Re-inject the tool schemas every N agent turns (reinject layer). */
  reinjectEvery: number;
  /** Summarize scrollback every N agent turns (context layer). */
  summarizeEvery: number;
  /** Agent turns kept verbatim after a summary. */
  keepTurns: number;
  /** Invalid replies per call before the retry layer gives up. */
  maxAttempts: number;
  backoffMs: number;
  /** Premature `finish` calls rejected before the run ends failed (stops layer). */
  maxFinishRejections: number;
}

export const DEFAULT_LIMITS: AgentLimits = {
  maxTurns: 40,
  wallClockMs: 20 * 60_000,
  contextBudget: 24_000,
  maxObservationChars: 6000,
  maxTokens: 2048,
  temperature: 0.3,
  reinjectEvery: 10,
  summarizeEvery: 8,
  keepTurns: 3,
  maxAttempts: 3,
  backoffMs: 250,
  maxFinishRejections: 2,
};

export type AgentExit =
  | "finished"
  | "answered"
  | "max_turns"
  | "timeout"
  | "cancelled"
  | "format_errors"
  | "infinite_loop"
  | "premature_stop"
  | "context_overflow"
  | "model_error";

export interface AgentResult {
  exit: AgentExit;
  /** One line: why the loop ended. */
  reason: string;
  history: HistoryEntry[];
  summary: string | null;
  answer: string | null;
  lastTests: TestRun | null;
}

export interface RunAgentParams {
  task: Task;
  model: ModelBackend;
  modelInfo: ModelInfo;
  workspace: Workspace;
  runTests: RunTests | null;
  testCommand: string | null;
  layers: ReadonlySet<ScaffoldLayer>;
  limits: AgentLimits;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  clock?: { now(): number; sleep(ms: number): Promise<void> };
  random?: () => number;
  /** Called after each turn (progress in logs and check runs). */
  onTurn?: (turn: TurnRecord) => void;
  /** Called after a passing test run with the files written so far (the app commits a checkpoint). */
  onGreen?: (written: readonly string[]) => Promise<void>;
}

const realClock = { now: () => Date.now(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) };

/**
 * The agent loop: ask the model for one tool call, run it, append both to the history, until
 * `finish`/`answer` or a limit. The scaffolding layers act at marked points; each can be off.
 */
export async function runAgent(params: RunAgentParams): Promise<AgentResult> {
  const { task, model, workspace, layers, limits } = params;
  const clock = params.clock ?? realClock;
  const tools = task.kind === "question" ? QUESTION_TOOLS : CHANGE_TOOLS;
  // One language, two notations: Ollama takes the JSON schema, llama-server the GBNF.
  const constraint = { jsonSchema: toolCallJsonSchema(tools), gbnf: toolCallGbnf(tools) };
  const allowed = createAllowedMatcher(task.allowed);
  const files = await workspace.listFiles();
  const history: HistoryEntry[] = [
    { type: "system", content: buildSystemPrompt({ task, tools }) },
    { type: "task", content: buildTaskMessage({ task, files, testCommand: params.testCommand }) },
  ];
  const estimator = createTokenEstimator();
  const calls: CallRecord[] = [];
  const started = clock.now();
  let n = 0;
  let agentTurns = 0;
  let sinceSummary = 0;
  let consecutiveInvalid = 0;
  let recoveryUsed = false;
  let finishRejections = 0;
  let hadValid = false;
  let testedVersion: number | null = null;
  let lastTests: TestRun | null = null;

  const done = (exit: AgentExit, reason: string, extra: Partial<AgentResult> = {}): AgentResult => ({
    exit, reason, history, summary: null, answer: null, lastTests, ...extra,
  });
  const prompt = () => buildPrompt({ history, context: layers.has("context") });
  const push = (entry: HistoryEntry) => {
    history.push(entry);
    if ("turn" in entry && typeof entry.turn === "object") params.onTurn?.(entry.turn);
  };

  /** Context layer: fold older turns into a model-written recap plus an action log. */
  const summarize = async (keepTurns: number): Promise<boolean> => {
    const plan = planCompaction({ history, keepTurns, taskTitle: task.title });
    if (!plan) return false;
    const reply = await model.complete({ messages: plan.request, purpose: "summary", maxTokens: 320, temperature: limits.temperature, signal: params.signal });
    const recap = reply.content.trim().slice(0, 1600);
    const prompt_tokens = reply.promptTokens ?? estimator.estimate(plan.request);
    const completion_tokens = reply.completionTokens ?? Math.ceil(reply.content.length / 3.5);
    push({
      type: "summary",
      foldBefore: plan.foldBefore,
      recap,
      actions: plan.actions,
      turn: {
        n: ++n, kind: "summary", raw_valid: recap !== "", valid: recap !== "", tool: null,
        error: recap === "" ? "empty recap; kept the action log only" : null,
        interventions: ["summarized"], failure_mode: null, prompt_tokens, completion_tokens, latency_ms: reply.latencyMs,
        attempts: [{ raw_valid: recap !== "", error: null, done_reason: reply.doneReason ?? null, prompt_tokens, completion_tokens, latency_ms: reply.latencyMs, ...serverTimings(reply) }],
        note: `folded ${plan.actions.length} turns into a recap`,
      },
    });
    sinceSummary = 0;
    return true;
  };

  for (;;) {
    if (params.signal?.aborted) return done("cancelled", "the run was cancelled");
    if (agentTurns >= limits.maxTurns) return done("max_turns", `max turns (${limits.maxTurns}) reached`);
    if (clock.now() - started > limits.wallClockMs) return done("timeout", `wall-clock limit (${Math.round(limits.wallClockMs / 60_000)} min) reached`);

    const pending: Intervention[] = [];
    let result: QueryResult;
    try {
      if (layers.has("context")) {
        if (sinceSummary >= limits.summarizeEvery) await summarize(limits.keepTurns);
        if (estimator.estimate(prompt()) > limits.contextBudget) {
          (await summarize(limits.keepTurns)) || (await summarize(1));
        }
      }
      if (layers.has("reinject") && agentTurns > 0 && agentTurns % limits.reinjectEvery === 0) {
        push({ type: "reinject", content: buildToolReminder(tools), beforeTurn: n + 1 });
        pending.push("schema_reinjected");
      }
      agentTurns++;
      sinceSummary++;
      const query = () =>
        queryToolCall({
          model, prompt: prompt(), tools, layers, constraint, temperature: limits.temperature, maxTokens: limits.maxTokens,
          info: params.modelInfo, estimator, maxAttempts: limits.maxAttempts, backoffMs: limits.backoffMs,
          sleep: clock.sleep, random: params.random ?? Math.random, signal: params.signal,
        });
      result = await query();
      // Context layer: a prompt that did not fit is shrunk and asked again, not sent on blind.
      for (let shrink = 1; result.kind === "overflow" && layers.has("context") && shrink <= 2; shrink++) {
        pending.push("truncation_detected");
        const earlier = result.attempts;
        if (!(await summarize(shrink === 1 ? 1 : 0))) break;
        result = await query();
        result.attempts.unshift(...earlier);
      }
    } catch (error) {
      if (params.signal?.aborted || (error instanceof ModelError && error.code === "aborted")) return done("cancelled", "the run was cancelled");
      const reason = error instanceof ModelError ? error.describe() : `model call failed: ${error instanceof Error ? error.message : String(error)}`;
      return done("model_error", reason);
    }

    const interventions = [...pending, ...result.interventions];
    const record = (fields: Partial<TurnRecord> & { valid: boolean }): TurnRecord => ({
      n: ++n, kind: "agent", raw_valid: result.rawValid, tool: null, error: null, failure_mode: null,
      prompt_tokens: sum(result.attempts, "prompt_tokens"), completion_tokens: sum(result.attempts, "completion_tokens"),
      latency_ms: sum(result.attempts, "latency_ms"), attempts: result.attempts, ...fields, interventions: unique([...interventions, ...(fields.interventions ?? [])]),
      note: noteReplyFamilies(fields.note ?? null, result.families),
    });
    const classify = (signals: { loop?: boolean; wrongFile?: boolean; prematureStop?: boolean }) =>
      classifyFailure({
        agentTurn: agentTurns, rawInvalid: !result.rawValid, errorCode: result.firstError?.code ?? null, hadValidCall: hadValid,
        truncation: result.truncation || pending.includes("truncation_detected"), loop: signals.loop ?? false, wrongFile: signals.wrongFile ?? false,
        prematureStop: (signals.prematureStop ?? false) || (result.firstError?.code === "no_call" && isStopReply(result.raw, tools)),
      });

    if (result.kind === "overflow") {
      const error = `the prompt does not fit the context window (${result.reason})`;
      push({ type: "invalid", turn: record({ valid: false, error, failure_mode: classify({}) }), raw: result.raw, feedback: "The conversation no longer fits the context window." });
      return done("context_overflow", `${error}: the conversation outgrew num_ctx=${params.modelInfo.numCtx ?? "?"}; enable the context layer or raise the context window`);
    }
    if (result.kind === "invalid") {
      consecutiveInvalid++;
      const decision = decideInvalidReply({
        error: result.error, problem: result.problem, layers, recoveryUsed, consecutiveInvalid, maxInvalid: limits.maxAttempts, maxAttempts: limits.maxAttempts,
        stopped: result.error.code === "empty" || (result.error.code === "no_call" && isStopReply(result.raw, tools)),
      });
      recoveryUsed = decision.recoveryUsed;
      const turn = record({ valid: false, tool: result.error.tool, error: result.problem ?? result.error.message, failure_mode: classify({}), interventions: decision.interventions });
      push({ type: "invalid", turn, raw: result.raw, feedback: decision.feedback });
      if (decision.exit) return done(decision.exit.kind, decision.exit.reason);
      continue;
    }

    const call: ToolCall = result.call;
    consecutiveInvalid = 0;
    recoveryUsed = false;
    hadValid = true;
    const key = `${call.tool}${canonicalJson(call.args)}@${workspace.version}`;
    const loop = detectLoop({ previous: calls, next: { key, turn: n + 1 } });
    const entry = (turn: TurnRecord): HistoryEntry => ({ type: "call", turn, call, raw: result.raw, notes: result.notes, workspaceVersion: workspace.version });

    if (layers.has("loops") && loop.kind !== "none") {
      const turn = record({ valid: true, tool: call.tool, error: loop.reason, failure_mode: "infinite_loop", interventions: ["loop_detected"], note: describeCall(call) });
      push(entry(turn));
      calls.push({ key, turn: turn.n, failed: true });
      if (loop.kind === "stop") return done("infinite_loop", `loop detected: ${loop.reason} (turns ${loop.turns.join(", ")})`);
      push({ type: "nudge", turn: turn.n, content: `You already made this exact call (turns ${loop.turns.slice(0, -1).join(", ")}) and nothing has changed since, so it will give the same result. It was not run again. Try a different approach: read another part of the code, search for something else, or make an edit.` });
      continue;
    }

    if (call.tool === "finish" || call.tool === "answer") {
      const rejection = task.kind === "change" && call.tool === "finish" ? checkFinish({
        edits: workspace.written.length, hasTests: params.runTests !== null, testedVersion, version: workspace.version,
        lastPassed: lastTests ? lastTests.summary.passed : null, lastFailure: lastTests ? failureText(lastTests) : null,
      }) : null;
      if (rejection && layers.has("stops")) {
        finishRejections++;
        const turn = record({ valid: true, tool: call.tool, error: firstSentence(rejection), failure_mode: "premature_stop", interventions: ["premature_stop_rejected"], note: "finish rejected" });
        push(entry(turn));
        if (finishRejections > limits.maxFinishRejections) return done("premature_stop", `finish was called too early ${finishRejections} times: ${firstSentence(rejection)}`);
        push({ type: "nudge", turn: turn.n, content: rejection });
        continue;
      }
      push(entry(record({ valid: true, tool: call.tool, failure_mode: rejection ? "premature_stop" : classify({ loop: loop.kind !== "none" }), note: call.tool })));
      if (call.tool === "answer") return done("answered", "answered", { answer: call.args.text });
      return done("finished", rejection ? `finish accepted unchecked: ${firstSentence(rejection)}` : "finish accepted", { summary: call.args.summary });
    }

    const observation = await executeToolCall(call, {
      workspace, runTests: params.runTests, crossFileHint: layers.has("scope"), maxObservationChars: limits.maxObservationChars, env: params.env, signal: params.signal,
    });
    if (params.signal?.aborted) return done("cancelled", "the run was cancelled");
    const outsideScope = (call.tool === "edit_file" || call.tool === "write_file") && !allowed(call.args.path);
    const wrongFile = observation.wrongFile === true || outsideScope;
    const turn = record({
      valid: true, tool: call.tool, error: observation.ok ? null : firstSentence(observation.text),
      failure_mode: classify({ loop: loop.kind !== "none", wrongFile }),
      interventions: observation.wrongFile && layers.has("scope") ? ["scope_blocked"] : [],
      note: `${describeCall(call)} → ${firstLine(observation.text)}`,
    });
    push(entry(turn));
    calls.push({ key, turn: turn.n, failed: !observation.ok });
    push({ type: "observation", turn: turn.n, tool: call.tool, ok: observation.ok, content: observation.text, readKey: observation.readKey ?? null, workspaceVersion: workspace.version });
    if (observation.tests) {
      lastTests = observation.tests;
      testedVersion = workspace.version;
      if (observation.tests.summary.passed) await params.onGreen?.(workspace.written);
    }
  }
}

function failureText(run: TestRun): string {
  const { summary } = run;
  if (summary.timed_out) return "timed out";
  return summary.failed_count !== null ? `${summary.failed_count} failed` : `exit ${summary.exit_code ?? "killed"}`;
}

function sum(attempts: readonly { prompt_tokens: number; completion_tokens: number; latency_ms: number }[], field: "prompt_tokens" | "completion_tokens" | "latency_ms"): number {
  return attempts.reduce((total, attempt) => total + attempt[field], 0);
}

function unique<T>(list: readonly T[]): T[] {
  return [...new Set(list)];
}


function firstLine(text: string): string {
  const line = text.split("\n")[0] ?? "";
  return line.length > 120 ? `${line.slice(0, 120)}…` : line;
}
