import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { isLlamaServerBuilt } from "./build-llama-server.js";
import { isOllamaBuilt } from "./build-ollama.js";
import { suppliedTemplate } from "./chat-templates.js";
import { importOllamaModels } from "./import-ollama-models.js";
import { isWeightInstalled } from "./install-weights.js";
import type { RealModelsLock, WeightSpec } from "./lock-schema.js";
import type { RealModelsPaths } from "./real-models-paths.js";
import { SetupError } from "./run-tool.js";
import { isOurProcess, readState, writeState, type ServerState } from "./server-state.js";
import { answers, freeLoopbackPort, spawnServer } from "./spawn-server.js";
import { stopServers } from "./stop-servers.js";

/** The context each llama-server slot gets: the floor an agent run needs (DESIGN §1), and cheap on a CPU. */
export const LLAMA_SERVER_CONTEXT = 8192;

export interface StartServersParams {
  lock: RealModelsLock;
  paths: RealModelsPaths;
  /** Model ids to serve; default every model in the lock. */
  models?: readonly string[];
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
}

/**
 * Starts one Ollama (every model imported) and one llama-server per model, on free loopback
 * ports, and waits until each answers. Already running and healthy: returns what runs.
 */
export async function startServers(params: StartServersParams): Promise<ServerState> {
  const { lock, paths, log } = params;
  const weights = pickWeights(lock, params.models);
  const running = readState(paths);
  if (running && (await isHealthy(running)) && isCurrent(running, lock, paths)) {
    log("  servers already running (npm run real-models -- stop ends them)");
    // A changed lock (a new template) still reaches the running Ollama.
    const env = { ...withoutOllamaSettings(params.env), OLLAMA_HOST: running.ollama.url.replace(/^http:\/\//, "") };
    await importOllamaModels({ weights: lock.weights.filter((w) => running.ollamaTags.includes(w.ollamaTag)), paths, ollama: running.ollama.binary, host: running.ollama.url, env, log });
    return running;
  }
  if (running) stopServers({ paths, log });
  const ollama = path.join(paths.bin, "ollama");
  const llamaServer = path.join(paths.bin, "llama-server");
  const missing = [
    ...(isOllamaBuilt(paths, lock.ollama) ? [] : ["ollama"]),
    ...(isLlamaServerBuilt(paths, lock.llamaCpp) ? [] : ["llama-server"]),
    ...weights.filter((weight) => !isWeightInstalled(paths, weight)).map((weight) => weight.id),
  ];
  if (missing.length > 0) throw new SetupError(`not installed: ${missing.join(", ")}`, "run `npm run real-models -- install` first");
  fs.mkdirSync(paths.run, { recursive: true });
  const threads = String(Math.max(1, os.availableParallelism()));

  const ollamaPort = await freeLoopbackPort();
  const ollamaUrl = `http://127.0.0.1:${ollamaPort}`;
  const ollamaLog = path.join(paths.run, "ollama.log");
  const ollamaEnv = {
    ...withoutOllamaSettings(params.env),
    OLLAMA_HOST: `127.0.0.1:${ollamaPort}`,
    OLLAMA_MODELS: paths.ollamaModels,
    // One request at a time per model, as on a one-GPU box; the queue is ours, not Ollama's.
    OLLAMA_NUM_PARALLEL: "1",
    OLLAMA_MAX_LOADED_MODELS: "2",
    OLLAMA_KEEP_ALIVE: "30m",
  };
  log(`  starting ollama on ${ollamaUrl}`);
  const ollamaPid = await spawnServer({ binary: ollama, args: ["serve"], env: ollamaEnv, logFile: ollamaLog, name: "ollama", ready: () => answers(`${ollamaUrl}/api/version`), timeoutMs: 60_000 });
  const state: ServerState = {
    startedAt: new Date().toISOString(),
    ollama: { pid: ollamaPid, binary: ollama, url: ollamaUrl, log: ollamaLog },
    llamaServers: [],
    ollamaTags: weights.map((weight) => weight.ollamaTag),
  };
  writeState(paths, state);
  try {
    await importOllamaModels({ weights, paths, ollama, host: ollamaUrl, env: ollamaEnv, log });
    for (const weight of weights) {
      const port = await freeLoopbackPort();
      const url = `http://127.0.0.1:${port}`;
      const logFile = path.join(paths.run, `llama-server-${weight.id}.log`);
      log(`  starting llama-server for ${weight.id} on ${url}`);
      const args = llamaServerArgs({ weight, file: path.join(paths.weights, weight.file), port, threads });
      const pid = await spawnServer({
        binary: llamaServer,
        args,
        env: params.env,
        logFile,
        name: `llama-server ${weight.id}`,
        ready: () => answers(`${url}/health`),
        timeoutMs: 120_000,
      });
      state.llamaServers.push({ pid, binary: llamaServer, url, log: logFile, model: weight.id, args });
      writeState(paths, state);
    }
  } catch (error) {
    stopServers({ paths, log });
    throw error;
  }
  return state;
}

/** One slot with the whole context (a run's KV cache must stay put), metrics on, no web UI. */
export function llamaServerArgs(params: { weight: WeightSpec; file: string; port: number; threads: string }): string[] {
  const args = ["-m", params.file, "--host", "127.0.0.1", "--port", String(params.port), "-t", params.threads];
  args.push("-c", String(LLAMA_SERVER_CONTEXT), "--parallel", "1", "--metrics", "--no-webui");
  const template = suppliedTemplate(params.weight.chatTemplate);
  // Built-in template names are only accepted with Jinja off; with it on (the default) the flag's
  // text is the template itself, and `--chat-template gemma` renders the literal word "gemma".
  if (template) args.push("--no-jinja", "--chat-template", template.llamaCpp);
  return args;
}

function pickWeights(lock: RealModelsLock, ids: readonly string[] | undefined): WeightSpec[] {
  if (!ids || ids.length === 0) return lock.weights;
  const unknown = ids.filter((id) => !lock.weights.some((weight) => weight.id === id));
  if (unknown.length > 0) throw new SetupError(`unknown model(s): ${unknown.join(", ")}`, `choose from ${lock.weights.map((weight) => weight.id).join(", ")}`);
  return lock.weights.filter((weight) => ids.includes(weight.id));
}

/** Each running llama-server was started with the arguments today's lock would give it. */
function isCurrent(state: ServerState, lock: RealModelsLock, paths: RealModelsPaths): boolean {
  return state.llamaServers.every((server) => {
    const weight = lock.weights.find((candidate) => candidate.id === server.model);
    if (!weight) return false;
    const port = Number(new URL(server.url).port);
    const threads = server.args[server.args.indexOf("-t") + 1] ?? "";
    return JSON.stringify(server.args) === JSON.stringify(llamaServerArgs({ weight, file: path.join(paths.weights, weight.file), port, threads }));
  });
}

async function isHealthy(state: ServerState): Promise<boolean> {
  const all = [state.ollama, ...state.llamaServers];
  if (!all.every((server) => isOurProcess(server.pid, server.binary))) return false;
  const checks = await Promise.all([answers(`${state.ollama.url}/api/version`), ...state.llamaServers.map((server) => answers(`${server.url}/health`))].map((p) => p.catch(() => false)));
  return checks.every(Boolean);
}

/** The user's own Ollama settings must not leak into ours (a host, a models folder, a GPU setting). */
function withoutOllamaSettings(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith("OLLAMA_")));
}
