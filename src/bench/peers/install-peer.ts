import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { z } from "zod";
import type { PeerPackage } from "./peer-catalog.js";

const run = promisify(execFile);

/** The marker written after a successful install; its presence means the venv is complete. */
const InstalledSchema = z.object({
  pypi: z.string(),
  version: z.string(),
  /** Wall time of venv creation + pip install, measured when it happened. */
  install_ms: z.number(),
  installed_at: z.string(),
});

export interface InstalledPeer {
  peer: PeerPackage;
  /** Absolute path of the peer's console script. */
  bin: string;
  venv: string;
  installMs: number;
  installedAt: string;
  /** True when an earlier install was found and reused. */
  reused: boolean;
}

/**
 * Installs one peer into its own virtual environment `<cacheDir>/<pypi>-<version>/venv` (so its
 * dependencies never meet another peer's or ours), or reuses a finished earlier install.
 */
export async function installPeer(params: { peer: PeerPackage; cacheDir: string; python: string; now: () => number }): Promise<InstalledPeer> {
  const { peer } = params;
  const dir = path.join(params.cacheDir, `${peer.pypi}-${peer.version}`);
  const venv = path.join(dir, "venv");
  const bin = path.join(venv, "bin", peer.bin);
  const marker = path.join(dir, "installed.json");
  const earlier = await fs.readFile(marker, "utf8").then(
    (text) => InstalledSchema.safeParse(JSON.parse(text)),
    () => null,
  );
  if (earlier?.success && earlier.data.version === peer.version && (await exists(bin))) {
    return { peer, bin, venv, installMs: earlier.data.install_ms, installedAt: earlier.data.installed_at, reused: true };
  }
  await fs.mkdir(dir, { recursive: true });
  const started = params.now();
  try {
    await run(params.python, ["-m", "venv", venv]);
    await run(path.join(venv, "bin", "pip"), ["install", "--disable-pip-version-check", "--quiet", `${peer.pypi}==${peer.version}`], {
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const detail = error instanceof Error && "stderr" in error ? String(error.stderr).trim().split("\n").slice(-5).join("\n") : String(error);
    throw new Error(`installing ${peer.pypi}==${peer.version} into ${venv} failed (needs ${params.python} with venv and pip, and PyPI reachable):\n${detail}`);
  }
  if (!(await exists(bin))) throw new Error(`${peer.pypi}==${peer.version} installed but ${bin} is missing`);
  const installMs = params.now() - started;
  const installedAt = new Date(params.now()).toISOString();
  await fs.writeFile(marker, `${JSON.stringify({ pypi: peer.pypi, version: peer.version, install_ms: installMs, installed_at: installedAt }, null, 2)}\n`);
  return { peer, bin, venv, installMs, installedAt, reused: false };
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
