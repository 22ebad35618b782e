import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import { SetupError } from "./run-tool.js";

/** A free TCP port on loopback (the kernel picks it; the server binds it right after). */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface SpawnServerParams {
  binary: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  logFile: string;
  /** What it is, for messages ("ollama", "llama-server smollm2-135m"). */
  name: string;
  /** Answers true once the server is ready. */
  ready: () => Promise<boolean>;
  /** How long to wait for it (loading a model from a cold disk can take a while). */
  timeoutMs: number;
}

/**
 * Starts a server that outlives this process (its own process group, output in a log file) and
 * waits until it answers. A server that exits or never answers is stopped and reported with the
 * end of its log.
 */
export async function spawnServer(params: SpawnServerParams): Promise<number> {
  const log = fs.openSync(params.logFile, "w");
  const child = spawn(params.binary, params.args, { env: params.env, detached: true, stdio: ["ignore", log, log] });
  fs.closeSync(log);
  let exited: number | string | null = null;
  child.on("exit", (code, signal) => (exited = code ?? signal ?? "unknown"));
  const spawnError = new Promise<never>((_, reject) => child.once("error", reject));
  spawnError.catch(() => undefined);
  const pid = child.pid;
  if (pid === undefined) {
    await spawnError;
    throw new SetupError(`${params.name}: could not start ${params.binary}`, "run `npm run real-models -- install` again");
  }
  child.unref();
  const deadline = Date.now() + params.timeoutMs;
  while (Date.now() < deadline) {
    if (exited !== null) {
      throw new SetupError(`${params.name} exited (${exited}) while starting; end of ${params.logFile}:\n${tailOf(params.logFile)}`, "read the log; a port in use or a bad model file are the usual causes");
    }
    if (await params.ready().catch(() => false)) return pid;
    await new Promise((r) => setTimeout(r, 250));
  }
  killGroup(pid, "SIGKILL");
  throw new SetupError(`${params.name} did not answer within ${params.timeoutMs / 1000} s; end of ${params.logFile}:\n${tailOf(params.logFile)}`, "read the log");
}

/** Signals a whole process group (Ollama's runners are children of `ollama serve`). */
export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** True when a GET answers 2xx within a second. */
export async function answers(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
  await response.body?.cancel();
  return response.ok;
}

function tailOf(file: string): string {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-12).join("\n");
  } catch {
    return "(no log)";
  }
}
