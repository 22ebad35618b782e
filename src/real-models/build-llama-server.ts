import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { isBuilt, writeBuildStamp } from "./build-stamp.js";
import { fetchPypiFile } from "./fetch-pypi-file.js";
import type { RealModelsLock } from "./lock-schema.js";
import type { RealModelsPaths } from "./real-models-paths.js";
import { runTool } from "./run-tool.js";

export interface LlamaCppParams {
  lock: RealModelsLock["llamaCpp"];
  paths: RealModelsPaths;
  indexUrl: string;
  fetch: typeof fetch;
  log: (line: string) => void;
}

/**
 * The llama.cpp source tree, unpacked from the pinned llama-cpp-python sdist (which vendors the
 * whole tree, `tools/server` and its cpp-httplib included). The Ollama build borrows its headers.
 */
export async function unpackLlamaCpp(params: LlamaCppParams): Promise<string> {
  const { lock, paths } = params;
  const unpacked = path.join(paths.src, `${lock.package}-${lock.version}`);
  const tree = path.join(unpacked, lock.tree);
  if (fs.existsSync(path.join(tree, "CMakeLists.txt")) && fs.existsSync(path.join(unpacked, ".unpacked"))) return tree;
  params.log(`  llama.cpp: fetching ${lock.file} (pinned sha256)`);
  const sdist = await fetchPypiFile({ project: lock.package, file: lock.file, sha256: lock.sha256, dir: paths.downloads, indexUrl: params.indexUrl, fetch: params.fetch, log: params.log });
  fs.rmSync(unpacked, { recursive: true, force: true });
  fs.mkdirSync(unpacked, { recursive: true });
  fs.mkdirSync(paths.run, { recursive: true });
  await runTool({ tool: "tar", args: ["-xzf", sdist, "-C", unpacked], logFile: path.join(paths.run, "unpack.log"), what: `unpacking ${lock.file}` });
  fs.writeFileSync(path.join(unpacked, ".unpacked"), `${lock.sha256}\n`);
  fs.rmSync(sdist, { force: true });
  return tree;
}

/** True when `bin/llama-server` was built from this lock entry. */
export function isLlamaServerBuilt(paths: RealModelsPaths, lock: RealModelsLock["llamaCpp"]): boolean {
  return isBuilt(path.join(paths.bin, "llama-server"), lock);
}

/**
 * `llama-server`, CPU only, with every download the build could attempt switched off (curl,
 * OpenSSL, the prebuilt web UI). About 7 minutes on 2 cores; a rebuild only when the pin changes.
 */
export async function buildLlamaServer(params: LlamaCppParams): Promise<string> {
  const { lock, paths, log } = params;
  const binary = path.join(paths.bin, "llama-server");
  if (isBuilt(binary, lock)) {
    log(`  llama-server: built (llama.cpp from ${lock.package} ${lock.version})`);
    return binary;
  }
  const tree = await unpackLlamaCpp(params);
  const build = path.join(tree, "build");
  const logFile = path.join(paths.run, "build-llama-server.log");
  fs.writeFileSync(logFile, "");
  const jobs = String(Math.max(1, os.availableParallelism()));
  log(`  llama-server: configuring with cmake (log: ${logFile})`);
  await runTool({ tool: "cmake", args: ["-S", tree, "-B", build, ...lock.cmakeArgs], logFile, what: "configuring llama.cpp" });
  log(`  llama-server: compiling with ${jobs} job(s); this takes several minutes`);
  await runTool({ tool: "cmake", args: ["--build", build, "--target", "llama-server", "-j", jobs], logFile, what: "building llama-server" });
  fs.mkdirSync(paths.bin, { recursive: true });
  fs.copyFileSync(path.join(build, "bin", "llama-server"), binary);
  fs.chmodSync(binary, 0o755);
  writeBuildStamp(binary, lock);
  // The object files are 1 GB and never reused (a new pin starts from a new tree).
  fs.rmSync(build, { recursive: true, force: true });
  log("  llama-server: built");
  return binary;
}
