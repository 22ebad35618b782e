import { type AgentResult, runAgent } from "../agent/run-agent.js";
import { type AgentLimits, DEFAULT_LIMITS } from "../protocol/agent-run.js";
import { turnRecords } from "../protocol/history.js";
import type { RunTests, TestRun } from "../protocol/observation.js";
import type { ModelBackend, ModelInfo } from "../model/types.js";
import { withRunDeadline } from "../model/with-run-deadline.js";
import { buildReport } from "../report/build-report.js";
import type { Outcome, Report, ScaffoldLayer, TestSummary, TurnRecord } from "../report/report-schema.js";
import { summarizeTestRun } from "../report/summarize-test-run.js";
import { createLayers } from "../scaffold/layers/create-layers.js";
import { listLayers } from "../scaffold/parse-scaffold-spec.js";
import { isUnderWorkflows, WORKFLOWS_REASON } from "../task/allowed-files.js";
import type { Task } from "../task/build-task.js";
import type { CommandRunner } from "../workspace/command-runner.js";
import { createWorkspace } from "../workspace/create-workspace.js";

export interface RunLocalTaskParams {
  /** The checkout to work in (edits are left in its working tree). */
  repoDir: string;
  task: Task;
  model: ModelBackend;
  /** The test command, or null when the repository has none. */
  testCommand: string | null;
  /** Optional setup (e.g. `npm ci`), run once before the agent edits anything, with network. */
  setupCommand?: string | null;
  runner: CommandRunner;
  layers: ReadonlySet<ScaffoldLayer>;
  limits?: Partial<AgentLimits>;
  /** Per test run. */
  testTimeoutMs?: number;
  /** Kept of each test run's output (head + tail). */
  testOutputBytes?: number;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  clock?: { now(): number; sleep(ms: number): Promise<void> };
  random?: () => number;
  onTurn?: (turn: TurnRecord) => void;
  onGreen?: (written: readonly string[]) => Promise<void>;
  /** Files an earlier attempt already changed in this checkout (a resumed job): the run's own work too. */
  alreadyChanged?: readonly string[];
  /** Already read model info (saves a second `/api/show`). */
  modelInfo?: ModelInfo;
}

export interface RunLocalTaskResult {
  report: Report;
  agent: AgentResult | null;
}

/**
 * One task on one local checkout, end to end: model info, setup, baseline tests, the agent loop,
 * final tests, report. Touches the world only through its parameters.
 */
export async function runLocalTask(params: RunLocalTaskParams): Promise<RunLocalTaskResult> {
  const clock = params.clock ?? { now: () => Date.now(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) };
  const startedAt = new Date(clock.now());
  const info = params.modelInfo ?? (await params.model.info(params.signal));
  const { task, runner } = params;
  const workspace = await createWorkspace({
    root: params.repoDir,
    env: params.env,
    ...(params.alreadyChanged ? { written: params.alreadyChanged } : {}),
    canWrite: (path) => {
      if (task.kind === "question") return { ok: false, reason: "this is a question task: nothing may be written" };
      // Whatever the globs or the scaffold layers say: the push of such a change would fail.
      if (isUnderWorkflows(path)) return { ok: false, reason: WORKFLOWS_REASON };
      // The allowed files are the scope layer's to enforce (src/scaffold/layers/scope.ts).
      return { ok: true };
    },
  });
  const limits: AgentLimits = { ...DEFAULT_LIMITS, ...budgetFor(info, params.limits), ...params.limits };
  const testRun = async (signal?: AbortSignal): Promise<TestRun> => {
    const result = await runner.run({
      command: params.testCommand ?? "true",
      cwd: workspace.root,
      timeoutMs: params.testTimeoutMs ?? 10 * 60_000,
      maxOutputBytes: params.testOutputBytes ?? 256 * 1024,
      signal: signal ?? params.signal,
    });
    return { summary: summarizeTestRun(result), output: result.output };
  };
  const runTests: RunTests | null = params.testCommand && task.kind === "change" ? testRun : null;

  const finish = (fields: {
    outcome: Outcome;
    exitReason: string;
    agent: AgentResult | null;
    before: TestSummary | null;
    after: TestSummary | null;
  }): RunLocalTaskResult => ({
    agent: fields.agent,
    report: buildReport({
      task,
      testCommand: params.testCommand,
      model: info,
      outcome: fields.outcome,
      exitReason: fields.exitReason,
      exitKind: fields.agent?.exit ?? "setup_failed",
      contextBudget: limits.contextBudget,
      scaffold: listLayers(params.layers),
      sandbox: runner.describe(),
      turns: fields.agent ? turnRecords(fields.agent.history) : [],
      summary: fields.agent?.summary ?? null,
      answer: fields.agent?.answer ?? null,
      filesChanged: [...workspace.written],
      startedAt,
      durationMs: clock.now() - startedAt.getTime(),
      testsBefore: fields.before,
      testsAfter: fields.after,
    }),
  });

  if (params.setupCommand && task.kind === "change") {
    const setup = await runner.run({
      command: params.setupCommand,
      cwd: workspace.root,
      timeoutMs: params.testTimeoutMs ?? 10 * 60_000,
      maxOutputBytes: 64 * 1024,
      network: true,
      signal: params.signal,
    });
    workspace.invalidate();
    if (setup.exitCode !== 0) {
      const tail = setup.output.trim().split("\n").slice(-5).join(" / ");
      return finish({
        outcome: setup.cancelled ? "cancelled" : "failed",
        exitReason: `setup command \`${params.setupCommand}\` failed (${setup.timedOut ? "timed out" : `exit ${setup.exitCode ?? "killed"}`}): ${tail}`,
        agent: null,
        before: null,
        after: null,
      });
    }
  }

  const before = runTests ? (await runTests()).summary : null;
  // The loop checks its wall clock between turns; the deadline holds it during a model call too.
  const model = withRunDeadline(params.model, { endsAt: clock.now() + limits.wallClockMs, now: () => clock.now() });
  const agent = await runAgent({
    task,
    model,
    modelInfo: info,
    workspace,
    runTests,
    testCommand: params.testCommand,
    layers: createLayers(params.layers, limits),
    limits,
    env: params.env,
    signal: params.signal,
    clock: params.clock,
    random: params.random,
    onTurn: params.onTurn,
    onGreen: params.onGreen,
  });

  if (agent.exit === "cancelled") return finish({ outcome: "cancelled", exitReason: agent.reason, agent, before, after: null });
  if (task.kind === "question") {
    return finish({ outcome: agent.exit === "answered" ? "answered" : "failed", exitReason: agent.reason, agent, before: null, after: null });
  }
  const edited = workspace.written.length > 0;
  let after: TestSummary | null = null;
  if (runTests && edited) {
    // The last in-loop run is the final result only if nothing was written after it.
    const lastRunVersion = lastTestVersion(agent);
    after = agent.lastTests && lastRunVersion === workspace.version ? agent.lastTests.summary : (await runTests()).summary;
  }
  let outcome: Outcome;
  let exitReason = agent.reason;
  if (!edited) {
    outcome = "failed";
    exitReason = `${agent.reason}; no file was changed`;
  } else if (runTests) {
    // Like the published benchmark: done means the agent finished AND the tests pass.
    outcome = agent.exit === "finished" && after?.passed ? "completed" : "failed";
    exitReason = `${agent.reason}; tests ${after?.passed ? "pass" : "fail"} after the run`;
  } else {
    outcome = agent.exit === "finished" ? "completed" : "failed";
    exitReason = `${agent.reason}; no test command, so the change is unverified`;
  }
  return finish({ outcome, exitReason, agent, before, after });
}

/** The workspace version of the last test run in the loop, read off the history. */
function lastTestVersion(agent: AgentResult): number | null {
  for (let i = agent.history.length - 1; i >= 0; i--) {
    const entry = agent.history[i];
    if (entry?.type === "observation" && entry.tool === "run_tests") return entry.workspaceVersion;
  }
  return null;
}

/**
 * The context budget: ~30% of the trained window is what small models use reliably, at most 24k
 * tokens, and never more than the requested window minus room for the reply.
 */
function budgetFor(info: ModelInfo, overrides: Partial<AgentLimits> | undefined): Partial<AgentLimits> {
  const maxTokens = overrides?.maxTokens ?? DEFAULT_LIMITS.maxTokens;
  const candidates = [24_000];
  if (info.contextLength !== null) candidates.push(Math.floor(info.contextLength * 0.3));
  if (info.numCtx !== null) candidates.push(info.numCtx - maxTokens - 256);
  return { contextBudget: Math.max(2048, Math.min(...candidates)) };
}
