import fs from "node:fs";
import path from "node:path";
import { isBuilt, writeBuildStamp } from "./build-stamp.js";
import type { RealModelsLock } from "./lock-schema.js";
import type { RealModelsPaths } from "./real-models-paths.js";
import { installHint, probeTool, runTool, SetupError } from "./run-tool.js";

/**
 * CPU flags for the cgo build of ggml. `-march=native` gives AVX2/AVX-512 kernels (without it
 * ggml-cpu builds with none); AMX is switched off because the Go build does not compile ggml's
 * `amx/` sources, so on a CPU with AMX (Sapphire Rapids) `-march=native` alone fails to link
 * with "undefined reference to ggml_backend_amx_buffer_type".
 */
const CPU_FLAGS = "-O3 -march=native -mno-amx-tile -mno-amx-int8 -mno-amx-bf16";

export interface BuildOllamaParams {
  lock: RealModelsLock["ollama"];
  /** The unpacked llama.cpp tree, whose `vendor/` supplies the headers Go module zips leave out. */
  llamaCppTree: string;
  paths: RealModelsPaths;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
}

/**
 * `ollama` from its Go module at the pinned tag, CPU only, through the Go module proxy. From
 * v0.11.5 the module needs `vendor/` headers (nlohmann json, stb, miniaudio) that module zips
 * omit; they come from the pinned llama.cpp tree. 10-20 minutes of cgo on 2 cores.
 */
export async function buildOllama(params: BuildOllamaParams): Promise<string> {
  const { lock, paths, log } = params;
  const binary = path.join(paths.bin, "ollama");
  const source = buildSource(lock);
  if (isBuilt(binary, source)) {
    log(`  ollama: built (${lock.module}@${lock.version})`);
    return binary;
  }
  await checkGo(params.env);
  const headers = path.join(paths.src, "ollama-headers");
  fs.rmSync(headers, { recursive: true, force: true });
  for (const folder of lock.headers) {
    const from = path.join(params.llamaCppTree, folder);
    if (!fs.existsSync(from)) throw new SetupError(`ollama: the llama.cpp tree has no ${folder} to supply headers from`, "check the llamaCpp pin in the lock file");
    fs.cpSync(from, path.join(headers, path.basename(folder)), { recursive: true });
  }
  const logFile = path.join(paths.run, "build-ollama.log");
  fs.mkdirSync(paths.run, { recursive: true });
  fs.writeFileSync(logFile, "");
  log(`  ollama: go install ${lock.module}@${lock.version} (cgo, CPU only; this takes 10-20 minutes; log: ${logFile})`);
  await runTool({
    tool: "go",
    // Release builds stamp the version at link time; without it the server says 0.0.0.
    args: ["install", `-ldflags=-X=${lock.module}/version.Version=${lock.version.replace(/^v/, "")}`, `${lock.module}@${lock.version}`],
    env: {
      ...params.env,
      GOPATH: paths.go,
      GOMODCACHE: path.join(paths.go, "pkg", "mod"),
      GOCACHE: path.join(paths.go, "cache"),
      GOBIN: paths.bin,
      // The cache must stay deletable; the toolchain must not be swapped behind the user's back.
      GOFLAGS: "-modcacherw",
      GOTOOLCHAIN: "local",
      CGO_ENABLED: "1",
      CGO_CPPFLAGS: `-I${headers}`,
      CGO_CFLAGS: CPU_FLAGS,
      CGO_CXXFLAGS: CPU_FLAGS,
    },
    logFile,
    what: `building ollama ${lock.version}`,
  });
  writeBuildStamp(binary, source);
  log("  ollama: built");
  return binary;
}

/** True when `bin/ollama` was built from this lock entry with these flags. */
export function isOllamaBuilt(paths: RealModelsPaths, lock: RealModelsLock["ollama"]): boolean {
  return isBuilt(path.join(paths.bin, "ollama"), buildSource(lock));
}

function buildSource(lock: RealModelsLock["ollama"]): unknown {
  return { ...lock, cpuFlags: CPU_FLAGS, versionStamp: true };
}

async function checkGo(env: NodeJS.ProcessEnv): Promise<void> {
  const version = await probeTool("go", ["env", "GOVERSION"], env);
  if (version === null) throw new SetupError("ollama: `go` was not found on PATH", installHint("go"));
  const match = /^go(\d+)\.(\d+)/.exec(version);
  if (!match || Number(match[1]) < 1 || (Number(match[1]) === 1 && Number(match[2]) < 24)) {
    throw new SetupError(`ollama: ${version} is too old to build Ollama (it needs Go 1.24 or newer)`, installHint("go"));
  }
}
