import fs from "node:fs";
import type { RealModelsPaths } from "./real-models-paths.js";
import { isOurProcess, readState, stateFile } from "./server-state.js";
import { killGroup } from "./spawn-server.js";

/**
 * Ends exactly what `start` started: each recorded process group, and only when the pid still
 * runs the binary we started (a pid reused by another program is left alone). Waits up to 10 s
 * for a clean exit, then kills.
 */
export function stopServers(params: { paths: RealModelsPaths; log: (line: string) => void }): number {
  const state = readState(params.paths);
  if (!state) {
    params.log("  nothing to stop (no servers were started from this cache)");
    return 0;
  }
  const ours = [state.ollama, ...state.llamaServers].filter((server) => isOurProcess(server.pid, server.binary));
  for (const server of ours) killGroup(server.pid, "SIGTERM");
  const deadline = Date.now() + 10_000;
  while (ours.some((server) => isOurProcess(server.pid, server.binary)) && Date.now() < deadline) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
  for (const server of ours) if (isOurProcess(server.pid, server.binary)) killGroup(server.pid, "SIGKILL");
  fs.rmSync(stateFile(params.paths), { force: true });
  params.log(`  stopped ${ours.length} server(s)`);
  return ours.length;
}
