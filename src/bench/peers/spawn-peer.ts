import { spawn } from "node:child_process";

export interface SpawnedResult {
  exitCode: number | null;
  timedOut: boolean;
  /** stdout and stderr interleaved; the tail is kept when it is long (the ending is at the end). */
  output: string;
  durationMs: number;
}

const KEEP_CHARS = 400_000;

/**
 * Runs a peer's command line in its own process group with stdin closed (no prompt can wait for a
 * human), and kills the whole group at the time limit or on abort.
 */
export function spawnPeer(params: {
  command: string;
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  now: () => number;
  signal?: AbortSignal;
}): Promise<SpawnedResult> {
  const started = params.now();
  return new Promise((resolve, reject) => {
    const child = spawn(params.command, [...params.args], { cwd: params.cwd, env: params.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let timedOut = false;
    const append = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (output.length > KEEP_CHARS * 2) output = output.slice(-KEEP_CHARS);
    };
    child.stdout.on("data", append);
    child.stderr.on("data", append);
    const killGroup = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, params.timeoutMs);
    const onAbort = () => killGroup();
    params.signal?.addEventListener("abort", onAbort, { once: true });
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`starting ${params.command}: ${error.message}`));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      params.signal?.removeEventListener("abort", onAbort);
      resolve({ exitCode: code, timedOut, output, durationMs: params.now() - started });
    });
  });
}
