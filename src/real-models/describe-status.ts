import { isLlamaServerBuilt } from "./build-llama-server.js";
import { isOllamaBuilt } from "./build-ollama.js";
import { isWeightInstalled } from "./install-weights.js";
import type { RealModelsLock } from "./lock-schema.js";
import type { RealModelsPaths } from "./real-models-paths.js";
import { isOurProcess, readState } from "./server-state.js";

/** `status`: what is installed and what runs, one line each. */
export function describeStatus(params: { lock: RealModelsLock; paths: RealModelsPaths }): string[] {
  const { lock, paths } = params;
  const mark = (ok: boolean) => (ok ? "installed" : "missing  ");
  const lines = [`cache: ${paths.root}`];
  for (const weight of lock.weights) {
    lines.push(`  ${mark(isWeightInstalled(paths, weight))} ${weight.id.padEnd(20)} ${weight.quantization.padEnd(7)} ${(weight.bytes / 1e6).toFixed(0).padStart(5)} MB  ollama:${weight.ollamaTag}  (${weight.parts[0]?.package}…)`);
  }
  lines.push(`  ${mark(isLlamaServerBuilt(paths, lock.llamaCpp))} llama-server         llama.cpp from ${lock.llamaCpp.package} ${lock.llamaCpp.version}`);
  lines.push(`  ${mark(isOllamaBuilt(paths, lock.ollama))} ollama               ${lock.ollama.module}@${lock.ollama.version}`);
  const state = readState(paths);
  if (!state) {
    lines.push("servers: not running (npm run real-models -- start)");
    return lines;
  }
  lines.push(`servers (started ${state.startedAt}):`);
  for (const server of [{ ...state.ollama, model: "ollama" }, ...state.llamaServers]) {
    const alive = isOurProcess(server.pid, server.binary);
    lines.push(`  ${alive ? "running" : "gone   "} ${server.model.padEnd(20)} ${server.url}  pid ${server.pid}  log ${server.log}`);
  }
  return lines;
}
