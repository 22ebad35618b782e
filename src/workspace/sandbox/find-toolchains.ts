import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { findOnPath } from "./find-on-path.js";

export interface Toolchains {
  /** Host folders bound read-only at the same path. */
  binds: string[];
  /** Folders put first on the sandbox PATH, in order. */
  pathDirs: string[];
  /** What was found, for the report (`node 24 at /usr/local`, ...). */
  found: string[];
}

/** Already visible in the sandbox through the system binds. */
const SYSTEM_PREFIXES = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];

/**
 * Finds the node running us (and the npm that goes with it) and the python3 on the host PATH,
 * and says which host folders the sandbox needs so that `node`, `npm` and `python3` work
 * inside. Each toolchain is bound by its install prefix, unless that prefix would expose too
 * much (the filesystem root, or a folder holding the host's home): then only its `bin` folder,
 * or only the executable, is bound.
 */
export async function findToolchains(params: {
  /** `process.execPath` of the app. */
  nodeExecPath: string;
  /** The host environment: only its PATH (and what pyenv-style shims need) is used, to find python3 and npm. */
  env: NodeJS.ProcessEnv;
}): Promise<Toolchains> {
  const hostHome = params.env.HOME ? path.resolve(params.env.HOME) : null;
  const result: Toolchains = { binds: [], pathDirs: [], found: [] };
  const add = (binds: string[], pathDir: string | null, label: string) => {
    for (const bind of binds) if (!result.binds.includes(bind)) result.binds.push(bind);
    if (pathDir && !result.pathDirs.includes(pathDir)) result.pathDirs.push(pathDir);
    result.found.push(label);
  };
  const safePrefixBinds = (prefix: string, executable: string): string[] => {
    if (isCovered(prefix)) return [];
    if (isSafeToBind(prefix, hostHome)) return [prefix];
    const bin = path.dirname(executable);
    if (isCovered(bin)) return [];
    return isSafeToBind(bin, hostHome) ? [bin] : [executable];
  };

  const node = await fs.realpath(params.nodeExecPath);
  const nodeBin = path.dirname(node);
  const nodePrefix = path.basename(nodeBin) === "bin" ? path.dirname(nodeBin) : nodeBin;
  add(safePrefixBinds(nodePrefix, node), nodeBin, `node at ${nodePrefix}`);

  // npm is a script run by whatever `node` comes first on PATH; it may belong to another install
  // than the node running us (a system npm, or a CI toolcache), so it is found on its own.
  const npm = await realpathOrNull(findOnPath("npm", params.env.PATH));
  const npmMarker = `${path.sep}lib${path.sep}node_modules${path.sep}npm${path.sep}`;
  if (npm?.includes(npmMarker)) {
    const npmPrefix = npm.slice(0, npm.indexOf(npmMarker));
    // Under /usr it is on the sandbox's system PATH already; its bin folder must not go first,
    // or the system's python3 would shadow the one found below.
    if (npmPrefix !== nodePrefix && !isCovered(npmPrefix) && isSafeToBind(npmPrefix, hostHome)) {
      add([npmPrefix], path.join(npmPrefix, "bin"), `npm at ${npmPrefix}`);
    }
  }

  const python = await describePython(params.env);
  if (python) {
    const binds = [...new Set([python.prefix, python.basePrefix])].flatMap((prefix) =>
      safePrefixBinds(prefix, python.executable),
    );
    add(binds, path.dirname(python.executable), `python3 at ${python.prefix}`);
  }
  return result;
}

function isCovered(dir: string): boolean {
  return SYSTEM_PREFIXES.some((prefix) => dir === prefix || dir.startsWith(prefix + path.sep));
}

/** Never the root, never the host home or a folder that contains it (keys, .env, app data). */
function isSafeToBind(dir: string, hostHome: string | null): boolean {
  if (dir === path.parse(dir).root) return false;
  if (hostHome && (hostHome === dir || hostHome.startsWith(dir + path.sep))) return false;
  return true;
}

async function realpathOrNull(file: string | null): Promise<string | null> {
  if (!file) return null;
  try {
    return await fs.realpath(file);
  } catch {
    return null;
  }
}

/**
 * Asks the host's python3 where it lives. Resolving the file is not enough: version managers
 * (pyenv) put shell-script shims on PATH that need the manager itself to run.
 */
async function describePython(
  env: NodeJS.ProcessEnv,
): Promise<{ executable: string; prefix: string; basePrefix: string } | null> {
  const python = findOnPath("python3", env.PATH);
  if (!python) return null;
  const script = "import json, sys; print(json.dumps([sys.executable, sys.prefix, sys.base_prefix]))";
  // -I: no PYTHON* variables, no user site, no current folder on sys.path; cwd "/" so that a
  // version file in some project folder does not choose the interpreter.
  const stdout = await new Promise<string | null>((resolve) => {
    execFile(python, ["-I", "-c", script], { env, cwd: "/", timeout: 15_000 }, (error, out) =>
      resolve(error ? null : out),
    );
  });
  if (!stdout) return null;
  try {
    const parsed: unknown = JSON.parse(stdout);
    if (!Array.isArray(parsed) || parsed.length !== 3 || !parsed.every((item) => typeof item === "string" && path.isAbsolute(item))) {
      return null;
    }
    const [executable, prefix, basePrefix] = parsed as [string, string, string];
    return { executable, prefix: await fs.realpath(prefix), basePrefix: await fs.realpath(basePrefix) };
  } catch {
    return null;
  }
}
