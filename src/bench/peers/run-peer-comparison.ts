import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { CommandRunner } from "../../workspace/command-runner.js";
import type { LoadedTask } from "../load-task.js";
import { materializeTask } from "../materialize-task.js";
import type { BenchRowSpec, RunOutcome } from "../run-bench.js";
import type { PeerPackage } from "./peer-catalog.js";
import { peerRowsToSideBySide } from "./peer-rows-to-side-by-side.js";
import { renderSideBySide, type SideBySideRow } from "./render-side-by-side.js";
import type { PeerTarget } from "./resolve-peer-target.js";
import { runPeers } from "./run-peers.js";
import type { CountingProxy, ProxyCounts } from "./start-counting-proxy.js";

/** Where peers are installed: `$LOCAL_AGENT_PEERS_DIR`, else beside the real models, else ~/.cache. */
export function peersCacheDir(env: NodeJS.ProcessEnv): string {
  if (env.LOCAL_AGENT_PEERS_DIR) return path.resolve(env.LOCAL_AGENT_PEERS_DIR);
  if (env.LOCAL_AGENT_MODELS_DIR) return path.resolve(env.LOCAL_AGENT_MODELS_DIR, "peers");
  return path.join(os.homedir(), ".cache", "local-agent", "peers");
}

/**
 * After our rows ran, runs the peers on the same tasks against the same server (through the same
 * counting proxy) and renders our rows and theirs in one side-by-side section.
 */
export async function runPeerComparison(params: {
  peers: readonly PeerPackage[];
  tasks: readonly LoadedTask[];
  ours: { model: string; rows: readonly BenchRowSpec[]; outcomes: readonly RunOutcome[]; counts: ReadonlyMap<object, ProxyCounts> };
  target: PeerTarget;
  proxy: CountingProxy;
  limits: { maxSteps: number; timeoutMs: number; temperature: number };
  command: string;
  date: string;
  runner: CommandRunner;
  env: NodeJS.ProcessEnv;
  workDir: string;
  now: () => number;
  signal?: AbortSignal;
  log: (line: string) => void;
  /** Where each peer run's logs are kept (beside the --json file), or nowhere. */
  logDir?: string;
}): Promise<string> {
  const templateDir = await fs.mkdtemp(path.join(params.workDir, "peer-templates-"));
  const templates = new Map<string, string>();
  for (const task of params.tasks) templates.set(task.id, await materializeTask({ task, into: templateDir, env: params.env }));
  const peerRows = await runPeers({
    peers: params.peers,
    tasks: params.tasks,
    templates,
    cacheDir: peersCacheDir(params.env),
    python: params.env.LOCAL_AGENT_PYTHON || "python3.11",
    proxy: params.proxy,
    model: params.target.model,
    limits: params.limits,
    runner: params.runner,
    env: params.env,
    workDir: params.workDir,
    now: params.now,
    signal: params.signal,
    logDir: params.logDir,
    onInstall: (installed) => params.log(`${installed.peer.pypi} ${installed.peer.version}: ${installed.reused ? "cached" : "installed"} in ${installed.venv} (${(installed.installMs / 1000).toFixed(0)} s)`),
    onRun: (peer, run) => params.log(`${peer} ${run.task}: ${run.completed ? "completed" : `failed (${run.failure})`}, ${run.calls} calls, ${(run.wallMs / 1000).toFixed(0)} s`),
  });
  const ours: SideBySideRow[] = params.ours.rows.map((spec, index) => ({
    harness: `local-agent (${spec.scaffold})`,
    version: "this commit",
    settings: `local-agent bench --scaffold ${spec.scaffold}, max turns ${params.limits.maxSteps}, wall clock ${params.limits.timeoutMs / 1000} s, temperature ${params.limits.temperature}`,
    runs: params.ours.outcomes
      .filter((outcome) => outcome.row === index)
      .map((outcome) => {
        const counts = params.ours.counts.get(outcome);
        return {
          task: outcome.task.id,
          completed: outcome.completed,
          failure: outcome.terminal,
          calls: counts?.calls ?? null,
          promptTokens: counts?.promptTokens ?? null,
          wallMs: outcome.report.duration_ms,
          detail: `${outcome.exit ?? "no agent run"}: ${outcome.report.exit_reason}`,
        };
      }),
  }));
  return `\n${renderSideBySide({
    rows: [...ours, ...peerRowsToSideBySide(peerRows, params.tasks.map((task) => task.id))],
    model: params.ours.model,
    date: params.date,
    command: params.command,
    notes: [
      "Every harness reached the server through one counting proxy: calls and prompt tokens are the server's own counts (usage.prompt_tokens / prompt_eval_count), one model request at a time.",
      "Scored by our scorer: a change task completes when files changed and the task's tests pass (same sandboxed runner, same command); a question task when the answer matches every expected pattern. No partial credit.",
    ],
  })}`;
}
