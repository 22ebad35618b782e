import { spawn } from "node:child_process";
import type { CommandResult, CommandRunner, RunCommandParams } from "./command-runner.js";
import { OutputCollector } from "./output-collector.js";

/**
 * Runs a command as a plain child process in its own process group. No isolation: used only when
 * the operator set `LOCAL_AGENT_SANDBOX=off` explicitly, and as the base the sandbox wraps.
 */
export function createPlainRunner(params: { env?: NodeJS.ProcessEnv } = {}): CommandRunner {
  const baseEnv = params.env ?? process.env;
  return {
    describe: () => ({ mode: "off", limits: { isolation: "none" } }),
    run: (run) => spawnCapped({ argv: ["sh", "-c", run.command], env: { ...baseEnv, ...run.env }, run }),
  };
}

const EXIT_GRACE_MS = 2_000;

/**
 * Spawns argv in a new process group, collects capped output, kills the whole group on timeout
 * or cancellation. Shared by the plain runner and the bubblewrap runner.
 */
export function spawnCapped(params: {
  argv: string[];
  env: NodeJS.ProcessEnv;
  run: RunCommandParams;
  /**
   * Started once the child has a pid: may end the run early through `stop`, whose note is
   * appended to the output. Returns a function that ends the watching.
   */
  watch?: (child: { pid: number; stop: (note: string) => void }) => () => void;
  /**
   * Called with the child's pid just before its process group is killed, while the child is
   * still alive: kills what left the group (a sandbox's PID 1 runs in its own session).
   */
  beforeKill?: (pid: number) => void;
}): Promise<CommandResult> {
  const { argv, env, run } = params;
  const [file, ...args] = argv;
  if (!file) throw new Error("spawnCapped: empty argv");
  const started = Date.now();
  const output = new OutputCollector(run.maxOutputBytes);
  return new Promise((resolve) => {
    // detached: the child leads a new process group, so one kill reaches every descendant.
    const child = spawn(file, args, { cwd: run.cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let timedOut = false;
    let cancelled = false;
    let settled = false;
    let stopNote: string | null = null;
    const killGroup = () => {
      if (child.pid === undefined) return;
      // Only before the child is reaped: afterwards its pid may already belong to another process.
      if (child.exitCode === null && child.signalCode === null) params.beforeKill?.(child.pid);
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // The group is already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, run.timeoutMs);
    const onAbort = () => {
      cancelled = true;
      killGroup();
    };
    if (run.signal?.aborted) onAbort();
    else run.signal?.addEventListener("abort", onAbort, { once: true });
    const unwatch =
      params.watch && child.pid !== undefined
        ? params.watch({
            pid: child.pid,
            stop: (note) => {
              stopNote ??= note;
              killGroup();
            },
          })
        : undefined;
    child.stdout.on("data", (chunk: Buffer) => output.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => output.push(chunk));
    const finish = (exitCode: number | null, signal: string | null, spawnError?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      run.signal?.removeEventListener("abort", onAbort);
      unwatch?.();
      // Descendants that detached from the pipes may still be alive: the group dies with us.
      killGroup();
      let text = output.text();
      if (spawnError) text += `${text ? "\n" : ""}failed to start ${file}: ${spawnError.message}`;
      if (stopNote) text += `${text ? "\n" : ""}[${stopNote}]`;
      resolve({
        exitCode: spawnError ? 127 : exitCode,
        signal,
        timedOut,
        cancelled,
        output: text,
        outputBytes: output.total,
        truncated: output.truncated,
        durationMs: Date.now() - started,
        ...(stopNote ? { limitExceeded: stopNote } : {}),
      });
    };
    child.on("error", (error) => finish(null, null, error));
    child.on("close", (code, signal) => finish(code, signal));
    // "close" waits for the pipes. A descendant that left the process group (setsid) can hold
    // them open forever; after a short grace we stop reading and report the exit we saw.
    child.on("exit", (code, signal) => {
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish(code, signal);
      }, EXIT_GRACE_MS).unref();
    });
  });
}
