import { execFile } from "node:child_process";
import path from "node:path";
import { parseArgs } from "node:util";
import { CHANGE_TOOLS, toolCallJsonSchema } from "../protocol/tool-schemas.js";
import { readAppEnv } from "../config/read-app-env.js";
import { ModelError } from "../model/model-error.js";
import type { LoadedModelState } from "../model/loaded-model-state.js";
import type { ModelBackend, ModelInfo } from "../model/types.js";
import { judgeLoadedModel } from "../preflight/judge-loaded-model.js";
import { readNvidiaSmi } from "../preflight/read-nvidia-smi.js";
import { parseToolReply } from "../scaffold/repair/parse-tool-reply.js";
import { toolCallGbnf } from "../scaffold/tool-call-gbnf.js";
import { detectSandbox } from "../workspace/detect-sandbox.js";
import { checkJobQueue } from "./check-job-queue.js";
import { checkModelHosts } from "./check-model-hosts.js";
import type { CliDeps } from "./cli-deps.js";
import { positiveInt } from "./parse-number-flag.js";

export const DOCTOR_USAGE = `Usage: local-agent doctor [--model SPEC] [--probe N] [--num-ctx N]

Checks what local-agent needs: Node, git, the bubblewrap sandbox, the model server and model
(reachable, pulled, quantization, context; for openai: whether the server holds replies to a
JSON schema), what the server really loaded (the context it allocated, how much of the model is
in GPU memory; nvidia-smi figures when present), the GitHub App settings when APP_ID is set, and
the app's job queue when its database exists (LOCAL_AGENT_DATA_DIR, default ./data): jobs waiting
on GitHub are listed with the last failure. With LOCAL_AGENT_REDIS_URL: whether Redis answers,
and every model host the workers reported, up or down.
--probe N asks the model for N grammar-constrained tool calls and reports how many were valid.
--num-ctx N checks the context a run would ask for (default $LOCAL_AGENT_NUM_CTX, else the model's).
Exit status: 0 when everything needed works, 1 otherwise.`;

type Check = { name: string; ok: boolean; detail: string; required: boolean };

/** `local-agent doctor`: one line per check, what is wrong and what to do. */
export async function doctorCommand(argv: string[], deps: CliDeps): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { model: { type: "string" }, probe: { type: "string" }, "num-ctx": { type: "string" }, help: { type: "boolean", short: "h" } },
    }));
  } catch (error) {
    deps.stderr.write(`local-agent doctor: ${error instanceof Error ? error.message : String(error)}\n\n${DOCTOR_USAGE}\n`);
    return 2;
  }
  if (values.help) {
    deps.stdout.write(`${DOCTOR_USAGE}\n`);
    return 0;
  }
  const probe = values.probe === undefined ? 1 : Number(values.probe);
  if (!Number.isInteger(probe) || probe < 0 || probe > 100) {
    deps.stderr.write("local-agent doctor: --probe must be a whole number from 0 to 100\n");
    return 2;
  }
  const numCtx = positiveInt(values["num-ctx"] ?? (deps.env.LOCAL_AGENT_NUM_CTX?.trim() || undefined), "--num-ctx");
  if (typeof numCtx === "string") {
    deps.stderr.write(`local-agent doctor: ${numCtx}\n`);
    return 2;
  }
  const checks: Check[] = [];
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  checks.push({
    name: "node",
    ok: major > 22 || (major === 22 && minor >= 13),
    detail: `v${process.versions.node}${major > 22 || (major === 22 && minor >= 13) ? "" : ": Node ≥ 22.13 is required (Node 24 recommended)"}`,
    required: true,
  });
  const git = await version("git", ["--version"]);
  checks.push({ name: "git", ok: git !== null, detail: git ?? "not found: install git", required: true });
  const mode = deps.env.LOCAL_AGENT_SANDBOX ?? "bwrap";
  if (mode === "off") {
    checks.push({ name: "sandbox", ok: true, detail: "LOCAL_AGENT_SANDBOX=off: the repository's tests run WITHOUT isolation", required: false });
  } else {
    const sandbox = await detectSandbox({ env: deps.env });
    checks.push({
      name: "sandbox",
      ok: sandbox.ok,
      detail: sandbox.ok ? `bubblewrap works (${sandbox.bwrapPath})` : `${sandbox.reason}: install bubblewrap (apt-get install bubblewrap) and allow user namespaces`,
      required: true,
    });
  }

  const spec = values.model ?? deps.env.LOCAL_AGENT_MODEL;
  if (!spec) {
    checks.push({ name: "model", ok: false, detail: "no model given: pass --model ollama:<tag> or set LOCAL_AGENT_MODEL", required: true });
  } else {
    checks.push(...(await checkModel({ spec, probe, numCtx, deps })));
  }

  if (deps.env.APP_ID) {
    const app = readAppEnv(deps.env);
    checks.push({ name: "github app", ok: app.ok, detail: app.ok ? `APP_ID ${app.config.appId}, label "${app.config.label}", ${app.config.gpuSlots} GPU slot(s)` : app.errors.join("; "), required: true });
  }

  const dataDir = path.resolve(deps.cwd, deps.env.LOCAL_AGENT_DATA_DIR?.trim() || "./data");
  for (const line of checkJobQueue({ dataDir, now: () => new Date() })) checks.push({ name: "queue", ok: line.ok, detail: line.detail, required: false });

  const redisUrl = deps.env.LOCAL_AGENT_REDIS_URL?.trim();
  if (redisUrl) for (const line of await checkModelHosts({ redisUrl, now: () => new Date() })) checks.push({ name: "redis", ...line });

  for (const check of checks) deps.stdout.write(`${check.ok ? "ok  " : check.required ? "FAIL" : "warn"}  ${check.name.padEnd(11)} ${check.detail}\n`);
  return checks.every((check) => check.ok || !check.required) ? 0 : 1;
}

async function checkModel(params: { spec: string; probe: number; numCtx: number | undefined; deps: CliDeps }): Promise<Check[]> {
  const { deps } = params;
  const out: Check[] = [];
  let model;
  try {
    model = deps.createModel({ spec: params.spec, env: deps.env, recordFile: null, cwd: deps.cwd, ...(params.numCtx ? { numCtx: params.numCtx } : {}) });
  } catch (error) {
    return [{ name: "model", ok: false, detail: error instanceof Error ? error.message : String(error), required: true }];
  }
  let info: ModelInfo;
  let constrained = true;
  try {
    info = await model.info();
    const facts = [info.name, info.quantization, info.contextLength ? `context ${info.contextLength}` : null, info.numCtx ? `num_ctx ${info.numCtx}` : null, info.backendVersion ? `${info.backend} ${info.backendVersion}` : null];
    out.push({ name: "model", ok: true, detail: facts.filter(Boolean).join(", "), required: true });
    const structured = info.structuredOutput;
    if (structured) {
      constrained = structured.supported;
      const detail = structured.supported ? structured.detail : `${structured.detail}: tool calls are not grammar-constrained; the repair and retry layers do the work`;
      out.push({ name: "constrain", ok: structured.supported, detail, required: false });
    }
    for (const warning of info.warnings) {
      if (structured && warning.startsWith(structured.detail)) continue;
      out.push({ name: "model", ok: false, detail: warning, required: false });
    }
  } catch (error) {
    return [{ name: "model", ok: false, detail: error instanceof ModelError ? error.describe() : String(error), required: true }];
  }
  out.push(...(await checkLoaded({ model, info, deps })));
  if (params.probe === 0) return out;
  let valid = 0;
  let latency = 0;
  const constraint = { jsonSchema: toolCallJsonSchema(CHANGE_TOOLS), gbnf: toolCallGbnf(CHANGE_TOOLS) };
  for (let i = 0; i < params.probe; i++) {
    try {
      const reply = await model.complete({
        purpose: "agent",
        constraint,
        maxTokens: 256,
        messages: [
          { role: "system", content: 'Reply with one JSON object: {"thought": "...", "tool": "<tool>", "args": {...}}. Tools: read_file(path), list_files(path?), run_tests().' },
          { role: "user", content: "Read the file README.md." },
        ],
      });
      latency += reply.latencyMs;
      const parsed = parseToolReply({ reply, tools: CHANGE_TOOLS, repair: false });
      if (parsed.ok && parsed.call.tool === "read_file") valid++;
    } catch (error) {
      out.push({ name: "probe", ok: false, detail: error instanceof ModelError ? error.describe() : String(error), required: true });
      return out;
    }
  }
  out.push({
    name: "probe",
    ok: valid > 0,
    detail: `${valid}/${params.probe} ${constrained ? "grammar-constrained" : "unconstrained"} replies were the expected valid call (${Math.round(latency / params.probe)} ms each)`,
    required: true,
  });
  return out;
}

/**
 * What the server really loaded: the model is loaded the way a run uses it (its num_ctx), then
 * Ollama's /api/ps or llama-server's /props and /slots say what it got; nvidia-smi adds the GPUs.
 */
async function checkLoaded(params: { model: ModelBackend; info: ModelInfo; deps: CliDeps }): Promise<Check[]> {
  const out: Check[] = [];
  let state: LoadedModelState | null = null;
  if (params.model.inspectLoaded) {
    try {
      state = await params.model.inspectLoaded({ warmUp: true });
    } catch (error) {
      out.push({ name: "loaded", ok: false, detail: `could not read what the server loaded: ${error instanceof ModelError ? error.describe() : String(error)}`, required: false });
    }
  }
  const gpus = await readNvidiaSmi({ env: params.deps.env });
  const findings = judgeLoadedModel({ info: params.info, state, gpus, warmedUp: true });
  for (const finding of findings) {
    out.push({
      name: finding.text.startsWith("GPU ") ? "gpu" : "loaded",
      ok: finding.level === "ok" || finding.level === "info",
      detail: finding.remedy ? `${finding.text}: ${finding.remedy}` : finding.text,
      required: finding.level === "fail",
    });
  }
  if (gpus === null) out.push({ name: "gpu", ok: true, detail: "no nvidia-smi on PATH: no NVIDIA GPU figures", required: false });
  return out;
}

function version(file: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 10_000 }, (error, stdout) => resolve(error ? null : stdout.trim()));
  });
}
