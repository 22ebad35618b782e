import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { ModelError } from "../model/model-error.js";
import { parseModelSpec } from "../model/parse-model-spec.js";
import { renderMarkdown } from "../report/render-markdown.js";
import { parseScaffoldSpec } from "../scaffold/parse-scaffold-spec.js";
import { buildTask } from "../task/build-task.js";
import { detectTestCommand } from "../task/detect-test-command.js";
import { runHostGit } from "../workspace/host-git.js";
import { runLocalTask } from "../pipeline/run-local-task.js";
import { parseRetentionDays } from "../store/parse-retention-days.js";
import { recordCliRun } from "../store/record-cli-run.js";
import { positiveInt, positiveNumber } from "./parse-number-flag.js";
import type { CliDeps } from "./cli-deps.js";

export const RUN_USAGE = `Usage: local-agent run --repo DIR (--task FILE | --issue-text TEXT) --model SPEC [options]

Runs the agent on a local git checkout and leaves its edits in the working tree.

  --repo DIR            the git checkout to work in
  --task FILE           issue text from a file (first line is the title)
  --issue-text TEXT     issue text given inline
  --allow GLOB          a file the agent may change (repeatable; adds to the issue's list)
  --label NAME          an issue label (repeatable; e.g. question)
  --model SPEC          ollama:<tag> | llamacpp:<url> | openai:<model> | replay:<file.jsonl>
                        | sim:<profile> (default: $LOCAL_AGENT_MODEL); openai: talks to
                        $OPENAI_BASE_URL (default http://127.0.0.1:1234/v1), key $OPENAI_API_KEY
  --test-cmd CMD        test command (default: detected); "none" accepts an unverified change
  --setup-cmd CMD       run once before the agent starts, with network (e.g. "npm ci")
  --max-turns N         agent turns before giving up (default 40)
  --timeout MIN         wall-clock limit in minutes (default 20); it holds during a model call too
  --model-timeout SEC   the longest one model request may take (default 600;
                        $LOCAL_AGENT_MODEL_TIMEOUT): a slow CPU sends nothing until the
                        whole prompt is read, so leave it long
  --model-idle-timeout SEC
                        once a reply has started, the longest it may go without new text
                        (default 60; $LOCAL_AGENT_MODEL_IDLE_TIMEOUT)
  --scaffold SPEC       all | none | comma list of grammar,repair,retry,reinject,context,
                        loops,stops,scope | all,-LAYER   (default all)
  --num-ctx N           context window to request (default: min(model's, 32768))
  --temperature T       sampling temperature (default 0.3)
  --report FILE         report JSON path; markdown is written beside it
                        (default: a new file under the system temp folder)
  --record FILE         record the model's raw replies as a replay transcript
                        (default for live models: beside the report)
  --sandbox MODE        bwrap (default) or off ($LOCAL_AGENT_SANDBOX)
  --data-dir DIR        also keep the run (report, transcript, diff) in DIR/jobs.sqlite,
                        where \`local-agent serve\` lists it ($LOCAL_AGENT_DATA_DIR)
  --quiet               no per-turn progress

Exit status: 0 task done (change: tests pass; question: answered), 1 not done, 2 bad usage.`;

/** `local-agent run`. Returns the exit status. */
export async function runCommand(argv: string[], deps: CliDeps): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        repo: { type: "string" },
        task: { type: "string" },
        "issue-text": { type: "string" },
        allow: { type: "string", multiple: true },
        label: { type: "string", multiple: true },
        model: { type: "string" },
        "test-cmd": { type: "string" },
        "setup-cmd": { type: "string" },
        "max-turns": { type: "string" },
        timeout: { type: "string" },
        "model-timeout": { type: "string" },
        "model-idle-timeout": { type: "string" },
        scaffold: { type: "string" },
        "num-ctx": { type: "string" },
        temperature: { type: "string" },
        report: { type: "string" },
        record: { type: "string" },
        sandbox: { type: "string" },
        "data-dir": { type: "string" },
        quiet: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (error) {
    return usage(deps, error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    deps.stdout.write(`${RUN_USAGE}\n`);
    return 0;
  }
  if (!values.repo) return usage(deps, "--repo is required");
  if (!values.task === !values["issue-text"]) return usage(deps, "give exactly one of --task FILE or --issue-text TEXT");
  const modelSpec = values.model ?? deps.env.LOCAL_AGENT_MODEL;
  if (!modelSpec) return usage(deps, "--model is required (or set LOCAL_AGENT_MODEL), e.g. --model ollama:qwen2.5-coder:7b");
  const maxTurns = positiveInt(values["max-turns"], "--max-turns");
  const timeoutMin = positiveNumber(values.timeout, "--timeout");
  const modelTimeout = positiveNumber(values["model-timeout"], "--model-timeout");
  const modelIdle = positiveNumber(values["model-idle-timeout"], "--model-idle-timeout");
  const numCtx = positiveInt(values["num-ctx"], "--num-ctx");
  const temperature = values.temperature === undefined ? undefined : Number(values.temperature);
  for (const check of [maxTurns, timeoutMin, modelTimeout, modelIdle, numCtx]) if (typeof check === "string") return usage(deps, check);
  if (temperature !== undefined && !(temperature >= 0 && temperature <= 2)) return usage(deps, "--temperature must be a number from 0 to 2");
  const scaffold = parseScaffoldSpec(values.scaffold ?? "all");
  if (!scaffold.ok) return usage(deps, scaffold.message);
  const sandboxMode = values.sandbox ?? deps.env.LOCAL_AGENT_SANDBOX ?? "bwrap";
  if (sandboxMode !== "bwrap" && sandboxMode !== "off") return usage(deps, `--sandbox must be bwrap or off, not "${sandboxMode}"`);

  const dataDirValue = values["data-dir"] ?? (deps.env.LOCAL_AGENT_DATA_DIR?.trim() || undefined);
  const dataDir = dataDirValue === undefined ? null : path.resolve(deps.cwd, dataDirValue);
  const retentionDays = parseRetentionDays(deps.env.LOCAL_AGENT_RETENTION_DAYS);
  if (typeof retentionDays === "string") return usage(deps, retentionDays);

  const repoDir = path.resolve(deps.cwd, values.repo);
  try {
    const top = (await runHostGit({ args: ["rev-parse", "--show-toplevel"], cwd: repoDir, env: deps.env })).stdout.trim();
    if (path.resolve(top) !== (await fs.realpath(repoDir))) {
      return usage(deps, `--repo ${values.repo} is inside a git repository but not its top level (${top}); pass the top level`);
    }
  } catch {
    return usage(deps, `--repo ${values.repo} is not a git checkout (git rev-parse failed); clone the repository or run git init`);
  }

  let text: string;
  if (values.task) {
    try {
      text = await fs.readFile(path.resolve(deps.cwd, values.task), "utf8");
    } catch (error) {
      return usage(deps, `cannot read --task ${values.task}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  } else {
    text = values["issue-text"] ?? "";
  }
  const built = buildTask({ text, labels: values.label, extraAllowed: values.allow });
  if (!built.ok) {
    deps.stderr.write(`local-agent: ${built.message}\n`);
    return 2;
  }
  const task = built.task;

  let testCommand: string | null = null;
  if (task.kind === "change") {
    const given = values["test-cmd"];
    if (given === "none") testCommand = null;
    else if (given) testCommand = given;
    else {
      const files = (await runHostGit({ args: ["ls-files"], cwd: repoDir, env: deps.env })).stdout.split("\n").filter(Boolean);
      testCommand = await detectTestCommand({ root: repoDir, files });
      if (!testCommand) {
        return usage(
          deps,
          'no test command found (no package.json test script, pytest, go.mod, Cargo.toml or Makefile test target): pass --test-cmd "CMD", or --test-cmd none to accept an unverified change',
        );
      }
    }
  }

  const stamp = new Date(deps.now()).toISOString().replace(/[:.]/g, "-");
  const reportFile = values.report
    ? path.resolve(deps.cwd, values.report)
    : path.join(os.tmpdir(), "local-agent", `${path.basename(repoDir)}-${stamp}.json`);
  const live = ["ollama:", "llamacpp:", "openai:"].some((prefix) => modelSpec.startsWith(prefix));
  const recordFile = values.record ? path.resolve(deps.cwd, values.record) : live ? reportFile.replace(/\.json$/, "") + ".transcript.jsonl" : null;

  let runner;
  let model;
  try {
    runner = await deps.createRunner({ mode: sandboxMode, env: deps.env, warn: (msg) => deps.stderr.write(`local-agent: warning: ${msg}\n`) });
    model = deps.createModel({
      spec: modelSpec,
      env: deps.env,
      numCtx: typeof numCtx === "number" ? numCtx : undefined,
      temperature,
      recordFile,
      cwd: deps.cwd,
      limits: {
        requestMs: typeof modelTimeout === "number" ? modelTimeout * 1000 : undefined,
        idleMs: typeof modelIdle === "number" ? modelIdle * 1000 : undefined,
      },
    });
  } catch (error) {
    deps.stderr.write(`local-agent: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }

  const controller = new AbortController();
  const stop = deps.onInterrupt(() => controller.abort());
  try {
    const info = await model.info(controller.signal);
    for (const warning of info.warnings) deps.stderr.write(`local-agent: warning: ${warning}\n`);
    if (!values.quiet) {
      deps.stderr.write(`local-agent: ${task.kind} task "${task.title}" with ${info.spec} (${[info.quantization, info.numCtx ? `num_ctx ${info.numCtx}` : null].filter(Boolean).join(", ") || "no server info"})\n`);
    }
    const { report } = await runLocalTask({
      repoDir,
      task,
      model,
      modelInfo: info,
      testCommand,
      setupCommand: values["setup-cmd"] ?? null,
      runner,
      layers: scaffold.layers,
      limits: {
        ...(typeof maxTurns === "number" ? { maxTurns } : {}),
        ...(typeof timeoutMin === "number" ? { wallClockMs: timeoutMin * 60_000 } : {}),
        ...(temperature !== undefined ? { temperature } : {}),
      },
      env: deps.env,
      signal: controller.signal,
      onTurn: values.quiet
        ? undefined
        : (turn) =>
            deps.stderr.write(
              `  turn ${turn.n} ${turn.kind === "summary" ? "summary" : (turn.tool ?? "invalid")}${turn.interventions.length ? ` [${turn.interventions.join(", ")}]` : ""}${turn.error ? `: ${turn.error}` : turn.note ? `: ${turn.note}` : ""}\n`,
            ),
    });
    await fs.mkdir(path.dirname(reportFile), { recursive: true });
    await fs.writeFile(reportFile, `${JSON.stringify(report, null, 2)}\n`);
    const markdownFile = reportFile.replace(/\.json$/, "") + ".md";
    await fs.writeFile(markdownFile, renderMarkdown(report));
    const stored = dataDir === null ? null : await storeRun({ deps, dataDir, retentionDays, repoDir, report, modelSpec, recordFile });
    const t = report.totals;
    deps.stdout.write(
      [
        `outcome: ${report.outcome} (${report.exit_reason})`,
        `turns: ${t.turns}, tool calls: ${t.tool_calls}, validity raw ${(t.validity_raw * 100).toFixed(1)}% → effective ${(t.validity_effective * 100).toFixed(1)}%, retries: ${t.retries}`,
        report.files_changed.length ? `changed: ${report.files_changed.join(", ")}` : "changed: nothing",
        report.answer ? `answer: ${report.answer}` : null,
        `report: ${reportFile} (markdown: ${markdownFile})`,
        recordFile ? `transcript: ${recordFile}` : null,
        stored ? `stored: run ${stored.id} in ${stored.file} (local-agent serve shows it at /local-agent/runs/${stored.id})` : null,
      ]
        .filter(Boolean)
        .join("\n") + "\n",
    );
    return report.outcome === "completed" || report.outcome === "answered" ? 0 : 1;
  } catch (error) {
    if (error instanceof ModelError) {
      deps.stderr.write(`local-agent: ${error.describe()}\n`);
      return 1;
    }
    throw error;
  } finally {
    stop();
  }
}

/** Keeps the run in the data folder's run store; a failure there is a warning, the run's result stands. */
async function storeRun(params: {
  deps: CliDeps;
  dataDir: string;
  retentionDays: number;
  repoDir: string;
  report: Awaited<ReturnType<typeof runLocalTask>>["report"];
  modelSpec: string;
  recordFile: string | null;
}): Promise<{ id: number; file: string } | null> {
  const { deps } = params;
  const spec = parseModelSpec(params.modelSpec);
  const replayed = spec.ok && spec.spec.backend === "replay" ? path.resolve(deps.cwd, spec.spec.file) : null;
  try {
    return await recordCliRun({
      dataDir: params.dataDir,
      retentionDays: params.retentionDays,
      env: deps.env,
      now: () => new Date(deps.now()),
      repoDir: params.repoDir,
      report: params.report,
      transcriptFile: params.recordFile ?? replayed,
    });
  } catch (error) {
    deps.stderr.write(`local-agent: warning: the run was not stored in ${params.dataDir}: ${error instanceof Error ? error.message : String(error)}\n`);
    return null;
  }
}

function usage(deps: CliDeps, message: string): number {
  deps.stderr.write(`local-agent run: ${message}\n\n${RUN_USAGE}\n`);
  return 2;
}
