import fs from "node:fs/promises";
import path from "node:path";
import { createAllowedMatcher } from "../../task/allowed-files.js";
import type { CommandRunner } from "../../workspace/command-runner.js";
import { runHostGit } from "../../workspace/host-git.js";
import type { LoadedTask } from "../load-task.js";
import type { CountingProxy } from "./start-counting-proxy.js";
import type { PeerAdapter, PeerEnding } from "./peer-adapter.js";
import { spawnPeer } from "./spawn-peer.js";

/** One peer run on one task, scored by our rules. */
export interface PeerRunOutcome {
  task: string;
  completed: boolean;
  /** What the peer's own log says ended it. */
  ending: PeerEnding["ending"];
  /**
   * Why a failed run failed, for the table: `wrong_file` when it edited a file the task does not
   * allow, `tests_fail` / `wrong_answer` when it finished but our scorer said no, else `ending`.
   */
  failure: string | null;
  detail: string;
  /** Model calls and prompt tokens, as the counting proxy saw them from the server's replies. */
  calls: number;
  promptTokens: number;
  uncountedCalls: number;
  wallMs: number;
  filesChanged: string[];
}

const TEST_TIMEOUT_MS = 5 * 60_000;

/**
 * Copies the task's materialized template into a fresh checkout, runs the peer there against the
 * counting proxy, then scores the checkout like our rows: a change task completes when files
 * changed and the task's tests pass (same runner, same command); a question task when the answer
 * matches every `expected_answer` pattern. No partial credit.
 */
export async function runPeerTask(params: {
  adapter: PeerAdapter;
  bin: string;
  task: LoadedTask;
  template: string;
  workDir: string;
  proxy: CountingProxy;
  model: string;
  limits: { maxSteps: number; timeoutMs: number; temperature: number };
  runner: CommandRunner;
  env: NodeJS.ProcessEnv;
  now: () => number;
  signal?: AbortSignal;
  /** An existing folder that keeps the peer's console output and own files (`<peer>-<task>/`) after the run. */
  logDir?: string;
}): Promise<PeerRunOutcome> {
  const { task, adapter } = params;
  const runDir = await fs.mkdtemp(path.join(params.workDir, `peer-${task.id}-`));
  const checkout = path.join(runDir, "checkout");
  const scratch = path.join(runDir, "scratch");
  try {
    await fs.cp(params.template, checkout, { recursive: true });
    await fs.mkdir(scratch);
    const settings = {
      issueText: task.issue.text,
      kind: task.kind,
      testCommand: task.test_command,
      checkout,
      scratch,
      openaiBase: `${params.proxy.url}/v1`,
      model: params.model,
      maxSteps: params.limits.maxSteps,
      timeoutMs: params.limits.timeoutMs,
      temperature: params.limits.temperature,
    };
    const gitEnv = { ...params.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" };
    // The task's HEAD before the run: a peer that commits still shows its change against it.
    const base = (await runHostGit({ args: ["rev-parse", "HEAD"], cwd: checkout, env: gitEnv })).stdout.trim();
    const invocation = await adapter.prepare(settings);
    params.proxy.take();
    const spawned = await spawnPeer({
      command: params.bin,
      args: invocation.args,
      cwd: checkout,
      env: { ...params.env, ...invocation.env, PYTHONUNBUFFERED: "1" },
      timeoutMs: params.limits.timeoutMs,
      now: params.now,
      signal: params.signal,
    });
    const counts = params.proxy.take();
    if (params.logDir) {
      const keep = path.join(params.logDir, task.id);
      // The peer's HOME holds caches (repo maps, analytics ids), not the run's record.
      const home = path.join(scratch, "home");
      await fs.cp(scratch, keep, { recursive: true, filter: (source) => source !== home && !source.startsWith(`${home}${path.sep}`) });
      await fs.writeFile(path.join(keep, "console.log"), spawned.output);
    }
    const ending = await adapter.readEnding({ settings, exitCode: spawned.exitCode, timedOut: spawned.timedOut, output: spawned.output });
    const filesChanged = (await changedFiles(checkout, base, gitEnv)).filter((file) => !adapter.ownFiles.test(file));
    const scored = await score({ task, ending, filesChanged, checkout, runner: params.runner, signal: params.signal });
    return {
      task: task.id,
      completed: scored.completed,
      ending: ending.ending,
      failure: scored.failure,
      detail: ending.detail,
      calls: counts.calls,
      promptTokens: counts.promptTokens,
      uncountedCalls: counts.uncounted,
      wallMs: spawned.durationMs,
      filesChanged,
    };
  } finally {
    await fs.rm(runDir, { recursive: true, force: true });
  }
}

async function score(params: {
  task: LoadedTask;
  ending: PeerEnding;
  filesChanged: string[];
  checkout: string;
  runner: CommandRunner;
  signal?: AbortSignal;
}): Promise<{ completed: boolean; failure: string | null }> {
  const { task, ending } = params;
  if (task.kind === "question") {
    const answer = ending.answer ?? "";
    const completed = answer !== "" && (task.expected_answer ?? []).every((pattern) => new RegExp(pattern, "i").test(answer));
    if (completed) return { completed, failure: null };
    return { completed, failure: ending.ending === "finished" ? "wrong_answer" : ending.ending };
  }
  const allowed = createAllowedMatcher(task.issue.allowedFiles);
  if (params.filesChanged.some((file) => !allowed(file))) return { completed: false, failure: "wrong_file" };
  if (params.filesChanged.length === 0) return { completed: false, failure: ending.ending === "finished" ? "gave_up" : ending.ending };
  const tests = await params.runner.run({ command: task.test_command, cwd: params.checkout, timeoutMs: TEST_TIMEOUT_MS, maxOutputBytes: 64 * 1024, signal: params.signal });
  const passed = tests.exitCode === 0 && !tests.timedOut && tests.limitExceeded === undefined;
  if (passed) return { completed: true, failure: null };
  return { completed: false, failure: ending.ending === "finished" ? "tests_fail" : ending.ending };
}

/** Files changed, added or deleted in the working tree since the checkout (commits included). */
async function changedFiles(checkout: string, base: string, gitEnv: NodeJS.ProcessEnv): Promise<string[]> {
  const diff = await runHostGit({ args: ["diff", "--name-only", base], cwd: checkout, env: gitEnv });
  const untracked = await runHostGit({ args: ["ls-files", "--others", "--exclude-standard"], cwd: checkout, env: gitEnv });
  return [...new Set([...diff.stdout.split("\n"), ...untracked.stdout.split("\n")].map((line) => line.trim()).filter(Boolean))].sort();
}
