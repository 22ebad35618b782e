import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type { BenchResult } from "../bench/bench-result-schema.js";
import { decideVerdict } from "../bench/decide-verdict.js";
import { type LoadedTask, loadSuite, TaskLoadError } from "../bench/load-task.js";
import { measureHarnessOverhead } from "../bench/measure-harness-overhead.js";
import { renderBenchMarkdown } from "../bench/render-bench-markdown.js";
import { renderFillChart } from "../bench/render-fill-chart.js";
import { type BenchRowSpec, runBench } from "../bench/run-bench.js";
import { summarizeRow } from "../bench/summarize-row.js";
import { withTestCache } from "../bench/with-test-cache.js";
import { ModelError } from "../model/model-error.js";
import { parseModelSpec } from "../model/parse-model-spec.js";
import { createSimBackend, type SimTask } from "../bench/sim/create-sim-backend.js";
import { findSimProfile, SIM_PROFILES } from "../bench/sim/sim-profiles.js";
import type { ModelBackend, ModelInfo } from "../model/types.js";
import { SCAFFOLD_LAYERS } from "../report/report-schema.js";
import { parseScaffoldSpec } from "../scaffold/parse-scaffold-spec.js";
import { benchScaleOut } from "../bench/scale-out-bench.js";
import { benchClone } from "../bench/clone-bench.js";
import { benchWebhookBurst } from "../bench/webhook-burst-bench.js";
import { positiveInt } from "./parse-number-flag.js";
import { findPeer, PEER_NAMES, type PeerPackage } from "../bench/peers/peer-catalog.js";
import { type PeerTarget, resolvePeerTarget } from "../bench/peers/resolve-peer-target.js";
import { startCountingProxy, type CountingProxy, type ProxyCounts } from "../bench/peers/start-counting-proxy.js";
import { runPeerComparison } from "../bench/peers/run-peer-comparison.js";
import type { CliDeps } from "./cli-deps.js";

/** Runs per task behind the --perf figures when --runs is not given. */
const PERF_RUNS = 10;

export const BENCH_USAGE = `Usage: local-agent bench --model SPEC [options]

Runs the task suite and prints tool-call validity (raw and effective), tasks completed, median
calls per completed task and the failure modes, per model and scaffold setting; ends with each
model's grade (production-grade, agent-grade with scaffolding, demo-grade).

  --suite DIR         the task folders (default: bench/tasks)
  --model SPEC        sim:<profile> | ollama:<tag> | llamacpp:<url> | openai:<model> (repeatable;
                      default: $LOCAL_AGENT_MODEL). Profiles: ${SIM_PROFILES.map((p) => p.name).join(", ")}
  --runs N            runs per task and row (default 1)
  --scaffold SPEC     a row's layers: all | none | list | all,-LAYER (repeatable;
                      default: none and all)
  --ablate            add one row per layer switched off (all,-LAYER)
  --tasks IDS         only these task ids (comma-separated)
  --json FILE         write the results as JSON, with FILE.md (markdown) and
                      FILE.svg (validity against context fill) beside it
  --jobs N            task runs in flight at once (default: CPU count for sim, 1 otherwise)
  --max-turns N       agent turns per run (default 40)
  --num-ctx N         context window to request from a real model server
  --temperature T     sampling temperature (default 0.3)
  --sandbox MODE      bwrap (default) or off ($LOCAL_AGENT_SANDBOX)
  --perf              also measure the harness: overhead per turn at 4k/16k/24k tokens
                      against a 2 s model turn, prompt-prefix stability, prompt tokens
                      per completed task (default model: sim:granite-8b-q4, default
                      --runs 10)
  --peer NAME         also run a peer harness on the same model server, model and tasks, scored
                      by our scorer (repeatable): ${PEER_NAMES.join(", ")}. Installs it pinned into
                      its own venv under $LOCAL_AGENT_PEERS_DIR (default $LOCAL_AGENT_MODELS_DIR/peers
                      or ~/.cache/local-agent/peers) with python3.11 ($LOCAL_AGENT_PYTHON)
  --timeout S         wall-clock limit per task run in seconds, ours and the peers' (default 1200)
  --quiet             no per-run progress

Exit status: 0 when the bench ran, 1 when a model server failed, 2 on bad usage.`;

const PERF_CONTEXTS = [4000, 16000, 24000];
const TYPICAL_TURN_MS = 2000;

/** `local-agent bench`. Returns the exit status. */
export async function benchCommand(argv: string[], deps: CliDeps): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        suite: { type: "string" },
        model: { type: "string", multiple: true },
        runs: { type: "string" },
        scaffold: { type: "string", multiple: true },
        ablate: { type: "boolean" },
        tasks: { type: "string" },
        json: { type: "string" },
        jobs: { type: "string" },
        "max-turns": { type: "string" },
        "num-ctx": { type: "string" },
        temperature: { type: "string" },
        sandbox: { type: "string" },
        perf: { type: "boolean" },
        quiet: { type: "boolean" },
        peer: { type: "string", multiple: true },
        timeout: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (error) {
    return usage(deps, error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    deps.stdout.write(`${BENCH_USAGE}\n`);
    return 0;
  }

  const models = values.model ?? (deps.env.LOCAL_AGENT_MODEL ? [deps.env.LOCAL_AGENT_MODEL] : values.perf ? ["sim:granite-8b-q4"] : []);
  if (models.length === 0) return usage(deps, "--model is required (or set LOCAL_AGENT_MODEL), e.g. --model sim:granite-8b-q4 or --model ollama:qwen2.5-coder:7b");
  for (const model of models) {
    const parsed = parseModelSpec(model);
    if (!parsed.ok) return usage(deps, parsed.message);
    if (parsed.spec.backend === "replay") return usage(deps, "replay transcripts hold one run each; bench needs sim:<profile>, ollama:<tag>, llamacpp:<url> or openai:<model>");
    if (parsed.spec.backend === "sim" && !findSimProfile(parsed.spec.profile)) {
      return usage(deps, `unknown simulated profile "${parsed.spec.profile}"; the profiles are: ${SIM_PROFILES.map((p) => p.name).join(", ")}`);
    }
  }
  const runsGiven = positiveInt(values.runs, "--runs");
  const maxTurns = positiveInt(values["max-turns"], "--max-turns");
  const numCtx = positiveInt(values["num-ctx"], "--num-ctx");
  const jobsGiven = positiveInt(values.jobs, "--jobs");
  for (const check of [runsGiven, maxTurns, numCtx, jobsGiven]) if (typeof check === "string") return usage(deps, check);
  const timeoutGiven = positiveInt(values.timeout, "--timeout");
  if (typeof timeoutGiven === "string") return usage(deps, timeoutGiven);
  // Ratios from one run per task swing with the draw (0.27× at 1 run, 0.41× at 3 and at 10), so the
  // --perf figures default to 10 runs per task; an explicit --runs still wins.
  const runs = typeof runsGiven === "number" ? runsGiven : values.perf ? PERF_RUNS : 1;
  const peers: PeerPackage[] = [];
  for (const name of values.peer ?? []) {
    const peer = findPeer(name);
    if (!peer) return usage(deps, `unknown peer "${name}"; the peers are: ${PEER_NAMES.join(", ")}`);
    if (!peers.includes(peer)) peers.push(peer);
  }
  let peerTarget: PeerTarget | null = null;
  if (peers.length > 0) {
    if (models.length !== 1) return usage(deps, "--peer compares harnesses on one model: give exactly one --model (ollama:<tag> or llamacpp:<url>)");
    const resolved = resolvePeerTarget(models[0] ?? "", deps.env);
    if (!resolved.ok) return usage(deps, resolved.message);
    peerTarget = resolved.target;
  }
  const temperature = values.temperature === undefined ? undefined : Number(values.temperature);
  if (temperature !== undefined && !(temperature >= 0 && temperature <= 2)) return usage(deps, "--temperature must be a number from 0 to 2");
  const sandboxMode = values.sandbox ?? deps.env.LOCAL_AGENT_SANDBOX ?? "bwrap";
  if (sandboxMode !== "bwrap" && sandboxMode !== "off") return usage(deps, `--sandbox must be bwrap or off, not "${sandboxMode}"`);

  const scaffoldSpecs = [...(values.scaffold ?? ["none", "all"])];
  if (values.ablate) scaffoldSpecs.push(...SCAFFOLD_LAYERS.map((layer) => `all,-${layer}`));
  const scaffolds: { spec: string; layers: BenchRowSpec["layers"] }[] = [];
  for (const spec of scaffoldSpecs) {
    const parsed = parseScaffoldSpec(spec);
    if (!parsed.ok) return usage(deps, parsed.message);
    if (!scaffolds.some((s) => s.spec === spec)) scaffolds.push({ spec, layers: parsed.layers });
  }
  const rowSpecs: BenchRowSpec[] = models.flatMap((model) => scaffolds.map((s) => ({ model, scaffold: s.spec, layers: s.layers })));

  const suiteDir = path.resolve(deps.cwd, values.suite ?? "bench/tasks");
  let tasks: LoadedTask[];
  try {
    tasks = await loadSuite(suiteDir);
  } catch (error) {
    if (error instanceof TaskLoadError) return usage(deps, `${error.message}${values.suite ? "" : "\n(run from the repository root, or pass --suite DIR)"}`);
    throw error;
  }
  if (values.tasks) {
    const wanted = values.tasks.split(",").map((id) => id.trim()).filter(Boolean);
    const unknown = wanted.filter((id) => !tasks.some((task) => task.id === id));
    if (unknown.length > 0) return usage(deps, `unknown task ids: ${unknown.join(", ")}; the suite has: ${tasks.map((task) => task.id).join(", ")}`);
    tasks = tasks.filter((task) => wanted.includes(task.id));
  }

  const allSim = models.every((model) => model.startsWith("sim:"));
  // Peers: one run at a time, so the proxy's tally between two runs belongs to one run.
  const jobs = peerTarget ? 1 : typeof jobsGiven === "number" ? jobsGiven : allSim ? Math.max(1, os.availableParallelism()) : 1;
  // The suite's TypeScript tasks run on Node's type stripping: use the Node running the bench.
  const runnerEnv = { ...deps.env, PATH: [path.dirname(process.execPath), deps.env.PATH ?? "/usr/bin:/bin"].join(path.delimiter) };
  const warn = (message: string) => deps.stderr.write(`local-agent: warning: ${message}\n`);
  const controller = new AbortController();
  const stop = deps.onInterrupt(() => controller.abort());
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), "local-agent-bench-"));
  let proxy: CountingProxy | null = null;
  try {
    // Every harness, ours included, talks to the server through one counting proxy.
    if (peerTarget) proxy = await startCountingProxy({ target: peerTarget.serverUrl });
    const proxied = peerTarget && proxy ? peerTarget.proxied(proxy.url, deps.env) : null;
    let runner;
    try {
      runner = withTestCache(await deps.createRunner({ mode: sandboxMode, env: runnerEnv, warn }));
    } catch (error) {
      deps.stderr.write(`local-agent: ${error instanceof Error ? error.message : String(error)}\n`);
      return 2;
    }

    const perfLines: string[] = [];
    const infraLines: string[] = [];
    if (values.perf) {
      for (const tokens of PERF_CONTEXTS) {
        const overhead = await measureHarnessOverhead({ tokens, iterations: 200, now: () => performance.now() });
        perfLines.push(
          `  ${String(tokens / 1000).padStart(2)}k context (${overhead.promptTokens.toLocaleString("en-US")} tokens, ${overhead.turns} turns of history): ${overhead.medianMs.toFixed(2)} ms per turn = ${((overhead.medianMs / TYPICAL_TURN_MS) * 100).toFixed(3)}% of a 2 s model turn`,
        );
      }
      infraLines.push(...(await measureInfrastructure(workDir)));
    }

    const simTask = (task: LoadedTask): SimTask => ({
      id: task.id, kind: task.kind, title: task.issue.title, steps: task.solution.steps, decoys: task.decoys, files: task.files,
    });
    const createModel = (spec: string, task: LoadedTask | null, run: number): ModelBackend =>
      deps.createModel({
        spec: proxied?.spec ?? spec,
        env: proxied?.env ?? deps.env,
        cwd: deps.cwd,
        numCtx: typeof numCtx === "number" ? numCtx : undefined,
        temperature,
        recordFile: null,
        sim: ({ profile }) => {
          const found = findSimProfile(profile);
          const first = task ?? tasks[0];
          if (!found || !first) throw new Error(`no simulated profile "${profile}"`);
          return createSimBackend({ profile: found, spec, task: simTask(first), run });
        },
      });

    const modelInfo = new Map<string, ModelInfo>();
    for (const model of models) {
      const info = await createModel(model, null, 0).info(controller.signal);
      for (const warning of info.warnings) warn(warning);
      modelInfo.set(model, info);
    }

    const started = new Date(deps.now());
    proxy?.take();
    const ourCounts = new Map<object, ProxyCounts>();
    const outcomes = await runBench({
      tasks,
      rows: rowSpecs,
      runs,
      jobs,
      runner,
      createModel: ({ spec, task, run }) => createModel(spec, task, run),
      modelInfo,
      simulated: (spec) => spec.startsWith("sim:"),
      limits: {
        ...(typeof maxTurns === "number" ? { maxTurns } : {}),
        ...(temperature !== undefined ? { temperature } : {}),
        ...(typeof timeoutGiven === "number" ? { wallClockMs: timeoutGiven * 1000 } : {}),
      },
      env: deps.env,
      workDir,
      clock: { now: deps.now, sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)) },
      signal: controller.signal,
      onRun: (outcome, done, total) => {
            if (proxy) ourCounts.set(outcome, proxy.take());
            if (values.quiet) return;
            const row = rowSpecs[outcome.row];
            const calls = outcome.report.turns.filter((turn) => turn.kind === "agent").reduce((sum, turn) => sum + turn.attempts.length, 0);
            deps.stderr.write(
              `  [${done}/${total}] ${row?.model} ${row?.scaffold} ${outcome.task.id} #${outcome.run + 1}: ${outcome.completed ? "completed" : `failed (${outcome.terminal ?? "?"})`}, ${calls} calls\n`,
            );
          },
    });
    if (controller.signal.aborted) {
      deps.stderr.write("local-agent: bench interrupted\n");
      return 1;
    }

    const rows = rowSpecs.map((spec, index) => summarizeRow(spec, outcomes.filter((outcome) => outcome.row === index)));
    const result: BenchResult = {
      version: 1,
      command: ["local-agent", "bench", ...argv].join(" "),
      suite: path.relative(deps.cwd, suiteDir) || ".",
      task_ids: tasks.map((task) => task.id),
      runs,
      started_at: started.toISOString(),
      rows,
      run_results: outcomes.map((outcome) => ({
        model: rowSpecs[outcome.row]?.model ?? "",
        scaffold: rowSpecs[outcome.row]?.scaffold ?? "",
        task: outcome.task.id,
        run: outcome.run,
        outcome: outcome.report.outcome,
        completed: outcome.completed,
        terminal_failure: outcome.terminal,
        exit_reason: outcome.report.exit_reason,
        agent_turns: outcome.report.turns.filter((turn) => turn.kind === "agent").length,
        model_calls: outcome.report.turns.filter((turn) => turn.kind === "agent").reduce((sum, turn) => sum + turn.attempts.length, 0),
      })),
      verdicts: models.map((model) => decideVerdict(model, rows)),
    };
    let markdown = renderBenchMarkdown(result);
    if (peerTarget && proxy) {
      markdown += await runPeerComparison({
        peers,
        tasks,
        ours: { model: models[0] ?? "", rows: rowSpecs, outcomes, counts: ourCounts },
        target: peerTarget,
        proxy,
        limits: { maxSteps: typeof maxTurns === "number" ? maxTurns : 40, timeoutMs: (typeof timeoutGiven === "number" ? timeoutGiven : 1200) * 1000, temperature: temperature ?? 0.3 },
        command: result.command,
        date: started.toISOString().slice(0, 10),
        runner,
        env: deps.env,
        workDir,
        now: deps.now,
        signal: controller.signal,
        logDir: values.json ? `${path.resolve(deps.cwd, values.json).replace(/\.json$/, "")}.peer-logs` : undefined,
        log: values.quiet ? () => undefined : (line) => deps.stderr.write(`  ${line}\n`),
      });
    }
    deps.stdout.write(markdown);
    if (values.json) {
      const jsonFile = path.resolve(deps.cwd, values.json);
      const base = jsonFile.replace(/\.json$/, "");
      await fs.mkdir(path.dirname(jsonFile), { recursive: true });
      await fs.writeFile(jsonFile, `${JSON.stringify(result, null, 2)}\n`);
      await fs.writeFile(`${base}.md`, markdown);
      await fs.writeFile(`${base}.svg`, renderFillChart(rows));
      deps.stderr.write(`local-agent: results in ${jsonFile} (markdown: ${base}.md, chart: ${base}.svg)\n`);
    }
    if (values.perf) deps.stdout.write(`\n${renderPerf({ overhead: perfLines, rows, runs, tasks: tasks.length })}${infraLines.join("\n")}\n`);
    return 0;
  } catch (error) {
    if (error instanceof ModelError) {
      deps.stderr.write(`local-agent: ${error.describe()}\n`);
      return 1;
    }
    throw error;
  } finally {
    stop();
    await proxy?.close();
    await fs.rm(workDir, { recursive: true, force: true });
  }
}

function renderPerf(params: { overhead: readonly string[]; rows: ReturnType<typeof summarizeRow>[]; runs: number; tasks: number }): string {
  const { overhead, rows } = params;
  const lines = [
    `Performance (measured side by side in this run; ${params.runs} run${params.runs === 1 ? "" : "s"} per task × ${params.tasks} tasks per row, ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, Node ${process.versions.node}):`,
    "Harness overhead per agent turn, model time excluded (prompt building, token estimates, request serialization, parsing, loop detection):",
    ...overhead,
  ];
  const all = rows.find((row) => row.layers.length === SCAFFOLD_LAYERS.length);
  const none = rows.find((row) => row.layers.length === 0);
  for (const row of [all, none]) {
    if (!row || row.prefix_stability === null) continue;
    lines.push(
      `Prompt-prefix stability (${row.scaffold}): ${(row.prefix_stability * 100).toFixed(1)}% of turns extend the previous prompt (breaks: ${row.prefix_breaks.after_summary} after a summary, ${row.prefix_breaks.other} other)`,
    );
  }
  if (all?.prompt_tokens_per_completed && none?.prompt_tokens_per_completed) {
    lines.push(
      `Prompt tokens per completed task: ${all.prompt_tokens_per_completed.toLocaleString("en-US")} with all layers vs ${none.prompt_tokens_per_completed.toLocaleString("en-US")} with none (${(all.prompt_tokens_per_completed / none.prompt_tokens_per_completed).toFixed(2)}×)`,
    );
  } else {
    for (const row of [all, none]) {
      if (row) lines.push(`Prompt tokens per completed task (${row.scaffold}): ${row.prompt_tokens_per_completed?.toLocaleString("en-US") ?? "– (none completed)"}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** The app's side: a webhook burst through the real middleware and queue, and checkout cost. */
async function measureInfrastructure(workDir: string): Promise<string[]> {
  const clock = () => performance.now();
  const burstDir = await fs.mkdtemp(path.join(workDir, "burst-"));
  const burst = await benchWebhookBurst({ dir: burstDir, deliveries: 200, duplicates: 50, modelMs: 5000, clock });
  const cloneDir = await fs.mkdtemp(path.join(workDir, "clone-"));
  const clone = await benchClone({ dir: cloneDir, files: 40, commits: 30, fileBytes: 48 * 1024, clock });
  const ms = (value: number) => `${Math.round(value)} ms`;
  // Small enough to keep --perf quick; the model latency dominates, as on a real box.
  const shape = { sessions: 16, steps: 4, stepMs: 25 };
  const scale = await benchScaleOut({ workerCounts: [1, 2, 4], ...shape, clock });
  return [
    scale === null
      ? "Scale-out (Redis queue): skipped, redis-server is not installed"
      : `Scale-out (Redis queue, ${shape.sessions} sessions × ${shape.steps} model steps of ${shape.stepMs} ms, one slot per worker): ${scale.map((row) => `${row.workers} worker${row.workers === 1 ? "" : "s"} ${row.perMinute.toFixed(0)}/min (${row.ratio.toFixed(2)}×)`).join(" · ")}`,
    `Webhook burst: ${burst.deliveries} signed deliveries at once (${burst.duplicates} redeliveries) while a slow model holds the GPU slot: answered in p50 ${ms(burst.answeredMs.p50)}, p99 ${ms(burst.answeredMs.p99)}, max ${ms(burst.answeredMs.max)} (statuses ${Object.entries(burst.statuses).map(([s, n]) => `${s}×${n}`).join(", ")}); ${burst.jobs} jobs, ${burst.lost} lost; ${burst.acknowledged} acknowledged on GitHub within ${burst.ackWindowMs / 1000} s (writes are paced at ~1/s)`,
    `Checkout of a repository with ${clone.commits} commits × ${clone.files} large files (${(clone.repoBytes / 1024 / 1024).toFixed(0)} MB of history): partial clone ${ms(clone.partialMs)} vs full clone ${ms(clone.fullMs)} (${(clone.partialMs / clone.fullMs).toFixed(2)}×)`,
  ];
}

function usage(deps: CliDeps, message: string): number {
  deps.stderr.write(`local-agent bench: ${message}\n\n${BENCH_USAGE}\n`);
  return 2;
}
