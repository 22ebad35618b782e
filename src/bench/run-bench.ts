import fs from "node:fs/promises";
import path from "node:path";
import type { AgentExit, AgentLimits } from "../protocol/agent-run.js";
import { createSeededDraw } from "./sim/create-seeded-draw.js";
import type { ModelBackend, ModelInfo } from "../model/types.js";
import { runLocalTask } from "../pipeline/run-local-task.js";
import type { Report, ScaffoldLayer } from "../report/report-schema.js";
import { buildTask } from "../task/build-task.js";
import type { CommandRunner } from "../workspace/command-runner.js";
import type { TerminalFailure } from "./bench-result-schema.js";
import type { LoadedTask } from "./load-task.js";
import { materializeTask } from "./materialize-task.js";
import { measurePrefixStability, type PrefixStability } from "./measure-prefix-stability.js";
import { scoreRun } from "./score-run.js";
import { withRequestLog } from "./with-request-log.js";

export interface BenchRowSpec {
  /** Model spec. */
  model: string;
  /** Scaffold spec as given (`none`, `all`, `all,-grammar`, …). */
  scaffold: string;
  layers: ReadonlySet<ScaffoldLayer>;
}

export interface RunOutcome {
  /** Index into the row specs. */
  row: number;
  task: LoadedTask;
  run: number;
  report: Report;
  exit: AgentExit | null;
  completed: boolean;
  terminal: TerminalFailure | null;
  prefix: PrefixStability;
}

export interface RunBenchParams {
  tasks: readonly LoadedTask[];
  rows: readonly BenchRowSpec[];
  runs: number;
  /** Task runs in flight at once. */
  jobs: number;
  runner: CommandRunner;
  /** A backend for one task run: the simulator is built for its task and run index. */
  createModel: (params: { spec: string; task: LoadedTask; run: number }) => ModelBackend;
  /** Model info per spec, read once before the runs. */
  modelInfo: ReadonlyMap<string, ModelInfo>;
  /** Simulated models get no backoff sleeps and seeded randomness, so runs replay exactly. */
  simulated: (spec: string) => boolean;
  limits?: Partial<AgentLimits>;
  /** Environment for host git. */
  env: NodeJS.ProcessEnv;
  /** An existing scratch folder; checkouts are made and removed inside it. */
  workDir: string;
  clock: { now(): number; sleep(ms: number): Promise<void> };
  signal?: AbortSignal;
  /** Progress: called as each task run ends. */
  onRun?: (outcome: RunOutcome, done: number, total: number) => void;
}

/**
 * Runs every row (model × scaffold) on every task `runs` times, each on a fresh checkout made by
 * copying a once-materialized template, through the same `runLocalTask` as `local-agent run`.
 * Outcomes come back in play order (row, task, run) whatever the concurrency.
 */
export async function runBench(params: RunBenchParams): Promise<RunOutcome[]> {
  const templates = new Map<string, string>();
  const templateDir = await fs.mkdtemp(path.join(params.workDir, "templates-"));
  for (const task of params.tasks) {
    templates.set(task.id, await materializeTask({ task, into: templateDir, env: params.env }));
  }

  const jobs: { row: number; task: LoadedTask; run: number }[] = [];
  params.rows.forEach((_, row) => {
    for (const task of params.tasks) for (let run = 0; run < params.runs; run++) jobs.push({ row, task, run });
  });
  const outcomes: (RunOutcome | undefined)[] = new Array(jobs.length);
  let nextJob = 0;
  let done = 0;

  const worker = async () => {
    for (;;) {
      if (params.signal?.aborted) return;
      const index = nextJob++;
      const job = jobs[index];
      if (!job) return;
      const outcome = await runOne(params, job, templates.get(job.task.id) ?? "");
      outcomes[index] = outcome;
      params.onRun?.(outcome, ++done, jobs.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(params.jobs, jobs.length)) }, worker));
  return outcomes.filter((outcome): outcome is RunOutcome => outcome !== undefined);
}

async function runOne(params: RunBenchParams, job: { row: number; task: LoadedTask; run: number }, template: string): Promise<RunOutcome> {
  const spec = params.rows[job.row];
  if (!spec) throw new Error(`runBench: no row ${job.row}`);
  const { task, run } = job;
  const built = buildTask({ text: task.issue.text, labels: task.labels });
  if (!built.ok) throw new Error(`task ${task.id}: ${built.message}`);
  const checkout = await fs.mkdtemp(path.join(params.workDir, `${task.id}-`));
  try {
    await fs.cp(template, checkout, { recursive: true });
    const model = withRequestLog(params.createModel({ spec: spec.model, task, run }));
    const simulated = params.simulated(spec.model);
    const draw = createSeededDraw(`${spec.model}|${task.id}|${run}|harness`);
    let draws = 0;
    const { report, agent } = await runLocalTask({
      repoDir: checkout,
      task: built.task,
      model,
      modelInfo: params.modelInfo.get(spec.model),
      testCommand: task.test_command,
      runner: params.runner,
      layers: spec.layers,
      limits: params.limits,
      env: params.env,
      signal: params.signal,
      clock: simulated ? { now: params.clock.now, sleep: async () => undefined } : params.clock,
      random: simulated ? () => draw(draws++, "random") : undefined,
    });
    const score = scoreRun({ report, exit: agent?.exit ?? null, expectedAnswer: task.expected_answer });
    return {
      row: job.row,
      task,
      run,
      report,
      exit: agent?.exit ?? null,
      completed: score.completed,
      terminal: score.terminal,
      prefix: measurePrefixStability({ requests: model.requests, turns: report.turns }),
    };
  } finally {
    await fs.rm(checkout, { recursive: true, force: true });
  }
}
