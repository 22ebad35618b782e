import { execFile } from "node:child_process";
import { constants as fsConstants } from "node:fs";
import fs from "node:fs/promises";
import { buildBwrapArgs, PRLIMIT_PATH } from "./sandbox/build-bwrap-args.js";
import { findOnPath } from "./sandbox/find-on-path.js";
import { findSystemDirs } from "./sandbox/find-system-dirs.js";

export type SandboxDetection =
  | { ok: true; bwrapPath: string; version: string }
  | { ok: false; reason: string };

const PROBE_TIMEOUT_MS = 10_000;
const MB = 1024 * 1024;

/**
 * Checks that bubblewrap can start the sandbox this app uses, by starting one with the same
 * namespaces, capability drop and limits wrapper around `/bin/true`. A bare `bwrap --version`
 * is not enough: what usually fails is creating the user namespace (Ubuntu's AppArmor
 * restriction, Docker's default seccomp profile) or mounting /proc inside a container.
 */
export async function detectSandbox(params: { bwrapPath?: string; env?: NodeJS.ProcessEnv } = {}): Promise<SandboxDetection> {
  const bwrapPath = params.bwrapPath ?? findOnPath("bwrap", (params.env ?? process.env).PATH);
  if (!bwrapPath) return { ok: false, reason: "bwrap (bubblewrap) is not installed or not on PATH" };
  const version = await execute(bwrapPath, ["--version"]);
  if (!version.ok) return { ok: false, reason: `${bwrapPath} --version failed: ${version.message}` };
  try {
    await fs.access(PRLIMIT_PATH, fsConstants.X_OK);
  } catch {
    return { ok: false, reason: `${PRLIMIT_PATH} is missing (it sets the sandbox's limits; it comes with util-linux)` };
  }
  const args = buildBwrapArgs({
    layout: { system: await findSystemDirs(), hiddenFiles: [], hiddenDirs: [], readOnlyBinds: [] },
    network: false,
    env: { PATH: "/usr/bin:/bin" },
    limits: { dataBytes: 256 * MB, tasks: 16, tmpfsBytes: MB, shmBytes: MB, fileBytes: MB },
    argv: ["/bin/true"],
  });
  const probe = await execute(bwrapPath, args);
  if (!probe.ok) return { ok: false, reason: `bwrap could not start a sandbox: ${probe.message}${hintFor(probe.message)}` };
  return { ok: true, bwrapPath, version: version.stdout.trim() };
}

function execute(file: string, args: string[]): Promise<{ ok: true; stdout: string } | { ok: false; message: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env: { PATH: "/usr/bin:/bin" }, timeout: PROBE_TIMEOUT_MS }, (error, stdout, stderr) => {
      if (error) resolve({ ok: false, message: stderr.trim() || error.message });
      else resolve({ ok: true, stdout });
    });
  });
}

function hintFor(message: string): string {
  if (/mount proc/i.test(message)) {
    return " (inside a container, /proc is masked: run the container with --security-opt systempaths=unconfined)";
  }
  if (/namespace|uid map|setting up uid|permission denied|operation not permitted/i.test(message)) {
    return (
      " (user namespaces are not available to this user: on Ubuntu 23.10+ allow them with" +
      " `sysctl kernel.apparmor_restrict_unprivileged_userns=0` or an AppArmor profile for bwrap;" +
      " inside Docker, run the container with --security-opt seccomp=unconfined --security-opt apparmor=unconfined)"
    );
  }
  return "";
}
