import fs from "node:fs/promises";
import path from "node:path";
import { runLocalTask } from "../../pipeline/run-local-task.js";
import { preflightModel } from "../../preflight/preflight-model.js";
import type { Report } from "../../report/report-schema.js";
import { parseScaffoldSpec } from "../../scaffold/parse-scaffold-spec.js";
import { recordJobRun } from "../../store/record-job-run.js";
import { commitPaths } from "../../workspace/git/commit-paths.js";
import type { JobEnding } from "./job-ending.js";
import { failedEnding } from "./job-endings.js";
import type { JobRun } from "./job-run.js";
import type { JobPlan } from "./plan-job.js";
import { pushCheckpoint } from "./push-checkpoint.js";
import { workBase } from "./work-base.js";

/**
 * Stage 3, run: first the preflight (the model loaded the way the run uses it, and what the server
 * really allocated: a context smaller than the run's num_ctx ends the job here, before the first
 * turn, with the figures and the remedy); then the agent on the checkout under the job's signal
 * (cancel, shutdown, deadline), with a checkpoint commit after each green test run (pushed to the
 * job's branch with the Redis queue, so another worker can resume from it). Keeps the
 * report beside the transcript, and the run (report, transcript, diff) in the run store, once
 * per run whatever the job's ending turns out to be.
 */
export async function runJob(
  run: JobRun,
  plan: JobPlan,
  checkout: { dir: string; testCommand: string | null; alreadyChanged?: readonly string[] },
): Promise<{ ok: true; report: Report; checkpoints: number; pushedCheckpoints: number } | { ok: false; ending: JobEnding }> {
  const { job, deps, log } = run;
  const { config } = deps;
  const { repoConfig } = plan.context;
  const reportBase = path.join(deps.reportsDir, `job-${job.id}`);
  await fs.mkdir(deps.reportsDir, { recursive: true });
  const transcriptFile = `${reportBase}.transcript.jsonl`;
  const model = deps.createModel({ spec: plan.modelSpec, recordFile: transcriptFile });
  const preflight = await preflightModel({ model, signal: run.signal, log });
  if (!preflight.ok) return { ok: false, ending: failedEnding({ what: preflight.what, hint: preflight.hint }) };
  const scaffold = parseScaffoldSpec("all");
  if (!scaffold.ok) throw new Error(scaffold.message);
  const bot = await run.bot();
  let checkpoints = 0;
  let pushedCheckpoints = 0;
  const { report } = await runLocalTask({
    repoDir: checkout.dir,
    task: plan.task,
    model,
    testCommand: checkout.testCommand,
    ...(checkout.alreadyChanged?.length ? { alreadyChanged: checkout.alreadyChanged } : {}),
    setupCommand: repoConfig.setup ?? null,
    runner: await deps.createRunner(),
    layers: scaffold.layers,
    limits: {
      maxTurns: repoConfig.max_turns ?? config.maxTurns,
      wallClockMs: (repoConfig.timeout_minutes ?? config.timeoutMinutes) * 60_000,
      ...(repoConfig.context_budget ? { contextBudget: repoConfig.context_budget } : {}),
    },
    testTimeoutMs: config.testTimeoutMinutes * 60_000,
    env: deps.env,
    signal: run.signal,
    onTurn: (turn) => log.debug({ job: job.id, turn: turn.n, tool: turn.tool, interventions: turn.interventions }, "turn"),
    onGreen: async (written) => {
      // A run that later hits a limit still leaves reviewable, green work behind.
      const sha = await commitPaths({ dir: checkout.dir, paths: written, message: `local-agent: checkpoint, tests pass (#${job.number})`, author: bot, env: deps.env });
      if (sha) checkpoints++;
      if (sha && deps.pushCheckpoints && !plan.onPullRequestBranch && (await pushCheckpoint(run, plan, checkout.dir))) pushedCheckpoints++;
    },
  });
  await fs.writeFile(`${reportBase}.json`, `${JSON.stringify(report, null, 2)}\n`);
  await recordJobRun({ deps, job, report, transcriptFile, workDir: checkout.dir, diffBase: workBase(plan), branch: plan.checkout.workBranch, log });
  return { ok: true, report, checkpoints, pushedCheckpoints };
}
