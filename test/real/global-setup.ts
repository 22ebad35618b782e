import path from "node:path";
import type { TestProject } from "vitest/node";
import { isLlamaServerBuilt } from "../../src/real-models/build-llama-server.js";
import { isOllamaBuilt } from "../../src/real-models/build-ollama.js";
import { isWeightInstalled } from "../../src/real-models/install-weights.js";
import { readLock } from "../../src/real-models/lock-schema.js";
import { realModelsPaths } from "../../src/real-models/real-models-paths.js";
import { readState } from "../../src/real-models/server-state.js";
import { startServers } from "../../src/real-models/start-servers.js";
import { stopServers } from "../../src/real-models/stop-servers.js";
import type { RealModels } from "./real-models-context.js";

declare module "vitest" {
  export interface ProvidedContext {
    realModels: RealModels;
  }
}

/**
 * The real-model project's set-up: the servers `npm run real-models -- start` runs (started here
 * when they are not running, and then stopped at the end), or a skip reason when the models are
 * not installed. `LOCAL_AGENT_REAL_MODELS` (comma-separated lock ids) narrows the models tested.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const env = process.env;
  const lock = await readLock(path.resolve(import.meta.dirname, "..", "..", "real-models.lock.json"));
  const paths = realModelsPaths(env);
  const wanted = env.LOCAL_AGENT_REAL_MODELS?.split(",").map((id) => id.trim()).filter(Boolean);
  const weights = lock.weights.filter((weight) => !wanted || wanted.length === 0 || wanted.includes(weight.id));
  const missing = [
    ...(isOllamaBuilt(paths, lock.ollama) ? [] : ["ollama"]),
    ...(isLlamaServerBuilt(paths, lock.llamaCpp) ? [] : ["llama-server"]),
    ...weights.filter((weight) => !isWeightInstalled(paths, weight)).map((weight) => weight.id),
  ];
  if (missing.length > 0) {
    const skip = `real models not installed (${missing.join(", ")} missing in ${paths.root}), run \`npm run real-models -- install\``;
    console.warn(`[real] ${skip}`);
    project.provide("realModels", { skip, ollamaUrl: "", models: [] });
    return () => undefined;
  }
  const wasRunning = readState(paths) !== null;
  const log = (line: string) => console.warn(`[real] ${line.trim()}`);
  const state = await startServers({ lock, paths, env, log });
  const models = weights
    .filter((weight) => state.ollamaTags.includes(weight.ollamaTag))
    .map((weight) => ({
      id: weight.id,
      ollamaTag: weight.ollamaTag,
      llamaServerUrl: state.llamaServers.find((server) => server.model === weight.id)?.url ?? null,
      quantization: weight.quantization,
      contextLength: weight.contextLength,
      file: weight.file,
    }));
  project.provide("realModels", { skip: null, ollamaUrl: state.ollama.url, models, ollamaVersion: lock.ollama.version.replace(/^v/, "") });
  // Servers someone started by hand stay up; servers started for this run stop with it.
  return () => {
    if (!wasRunning) stopServers({ paths, log });
  };
}
