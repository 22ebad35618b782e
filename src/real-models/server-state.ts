import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { RealModelsPaths } from "./real-models-paths.js";

/** One process `start` launched. */
const ServerProcess = z.object({
  /** The process id (a process group leader: `stop` signals the group). */
  pid: z.number().int().positive(),
  /** The binary it runs, checked against /proc before it is signalled, so a reused pid is never hit. */
  binary: z.string(),
  /** Its base URL on loopback. */
  url: z.string(),
  /** Where its output goes. */
  log: z.string(),
});

/** `run/state.json`: what `start` started, for `stop`, `status` and the tests. */
export const ServerState = z.object({
  /** ISO time of the start. */
  startedAt: z.string(),
  /** `ollama serve`. */
  ollama: ServerProcess,
  /** One `llama-server` per model, in lock order. */
  llamaServers: z.array(
    ServerProcess.extend({
      /** The lock's model id. */
      model: z.string(),
      /** The arguments it was started with: a server started with others than today's is restarted. */
      args: z.array(z.string()).default([]),
    }),
  ),
  /** The Ollama tags imported, in lock order. */
  ollamaTags: z.array(z.string()),
});
export type ServerState = z.infer<typeof ServerState>;

export function stateFile(paths: RealModelsPaths): string {
  return path.join(paths.run, "state.json");
}

export function readState(paths: RealModelsPaths): ServerState | null {
  try {
    const parsed = ServerState.safeParse(JSON.parse(fs.readFileSync(stateFile(paths), "utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function writeState(paths: RealModelsPaths, state: ServerState): void {
  fs.mkdirSync(paths.run, { recursive: true });
  fs.writeFileSync(stateFile(paths), `${JSON.stringify(state, null, 2)}\n`);
}

/** True when `pid` is alive and still runs `binary` (pids are reused). */
export function isOurProcess(pid: number, binary: string): boolean {
  try {
    const argv0 = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0] ?? "";
    return argv0 === binary;
  } catch {
    return false;
  }
}

/** The shell lines of DESIGN §6, for `eval "$(npm run -s real-models -- start)"`. */
export function exportLines(state: ServerState): string {
  const specs = [...state.ollamaTags.map((tag) => `ollama:${tag}`), ...state.llamaServers.map((server) => `llamacpp:${server.url}`)];
  return [
    `export OLLAMA_HOST=${state.ollama.url}`,
    `export LLAMA_SERVER_URL=${state.llamaServers[0]?.url ?? ""}`,
    `export REAL_MODELS="${specs.join(" ")}"`,
  ].join("\n");
}
