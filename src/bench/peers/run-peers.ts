import fs from "node:fs/promises";
import path from "node:path";
import type { CommandRunner } from "../../workspace/command-runner.js";
import type { LoadedTask } from "../load-task.js";
import { createAiderAdapter } from "./aider-adapter.js";
import { type InstalledPeer, installPeer } from "./install-peer.js";
import { createMiniSweAgentAdapter } from "./mini-swe-agent-adapter.js";
import type { PeerAdapter } from "./peer-adapter.js";
import type { PeerName, PeerPackage } from "./peer-catalog.js";
import { type PeerRunOutcome, runPeerTask } from "./run-peer-task.js";
import type { CountingProxy } from "./start-counting-proxy.js";

/** One peer's row: its install and its runs, or why it could not run at all. */
export interface PeerRow {
  name: PeerName;
  pypi: string;
  version: string;
  /** The non-interactive settings it ran with, in words. */
  settings: string;
  install: { ms: number; reused: boolean; at: string } | null;
  /** Set when the peer could not be installed: every task then counts as not run. */
  installError: string | null;
  runs: PeerRunOutcome[];
}

const ADAPTERS: Record<PeerName, () => PeerAdapter> = { "mini-swe-agent": createMiniSweAgentAdapter, aider: createAiderAdapter };

/** Installs each peer, then runs it on every task, one run at a time (one model request at a time). */
export async function runPeers(params: {
  peers: readonly PeerPackage[];
  tasks: readonly LoadedTask[];
  /** Materialized checkout per task id, copied fresh for every run. */
  templates: ReadonlyMap<string, string>;
  cacheDir: string;
  python: string;
  proxy: CountingProxy;
  model: string;
  limits: { maxSteps: number; timeoutMs: number; temperature: number };
  runner: CommandRunner;
  env: NodeJS.ProcessEnv;
  workDir: string;
  now: () => number;
  signal?: AbortSignal;
  onRun?: (peer: PeerName, outcome: PeerRunOutcome) => void;
  /** Keeps each run's console output and the peer's own log files under `<logDir>/<peer>/<task>/`. */
  logDir?: string;
  onInstall?: (installed: InstalledPeer) => void;
}): Promise<PeerRow[]> {
  const rows: PeerRow[] = [];
  for (const peer of params.peers) {
    const adapter = ADAPTERS[peer.name]();
    const row: PeerRow = { name: peer.name, pypi: peer.pypi, version: peer.version, settings: adapter.describe(params.limits), install: null, installError: null, runs: [] };
    rows.push(row);
    let installed: InstalledPeer;
    try {
      installed = await installPeer({ peer, cacheDir: params.cacheDir, python: params.python, now: params.now });
    } catch (error) {
      row.installError = error instanceof Error ? error.message : String(error);
      continue;
    }
    row.install = { ms: installed.installMs, reused: installed.reused, at: installed.installedAt };
    params.onInstall?.(installed);
    const logDir = params.logDir ? path.join(params.logDir, peer.name) : undefined;
    if (logDir) await fs.mkdir(logDir, { recursive: true });
    for (const task of params.tasks) {
      if (params.signal?.aborted) return rows;
      const outcome = await runPeerTask({
        adapter,
        bin: installed.bin,
        task,
        template: params.templates.get(task.id) ?? "",
        workDir: params.workDir,
        proxy: params.proxy,
        model: params.model,
        limits: params.limits,
        runner: params.runner,
        env: params.env,
        now: params.now,
        signal: params.signal,
        logDir,
      });
      row.runs.push(outcome);
      params.onRun?.(peer.name, outcome);
    }
  }
  return rows;
}
