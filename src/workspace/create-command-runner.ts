import type { CommandRunner } from "./command-runner.js";
import { createBwrapRunner } from "./create-bwrap-runner.js";
import { detectSandbox } from "./detect-sandbox.js";
import { createPlainRunner } from "./plain-runner.js";
import { sandboxDiskLimitsFromEnv } from "./sandbox/sandbox-disk-limits.js";

/** bubblewrap was asked for (the default) but cannot run here; the app must not start. */
export class SandboxUnavailableError extends Error {
  override readonly name = "SandboxUnavailableError";
}

/** Variables a command may need from the host in `off` mode; everything else (tokens, keys) stays out. */
const OFF_MODE_ENV = ["PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "TERM"];

/**
 * The runner for the repository's commands as the operator configured it
 * (`LOCAL_AGENT_SANDBOX`): `bwrap` checks once that a sandbox can start and fails loudly when
 * it cannot; `off` runs commands as plain child processes and says so.
 */
export async function createCommandRunner(params: {
  mode: "bwrap" | "off";
  /** Host environment: finds bwrap and toolchains; in `off` mode, the few variables passed on. */
  env?: NodeJS.ProcessEnv;
  logger?: { warn(msg: string): void };
  bwrapPath?: string;
  memoryMb?: number;
  maxProcesses?: number;
  tmpfsMb?: number;
  extraReadOnlyBinds?: string[];
}): Promise<CommandRunner> {
  const env = params.env ?? process.env;
  if (params.mode === "off") {
    params.logger?.warn(
      "LOCAL_AGENT_SANDBOX=off: the repository's tests and setup commands run WITHOUT isolation, " +
        "with this user's files and network. Only do this for repositories you trust.",
    );
    // No isolation, but still no secrets: the app's token and keys never reach the repository's code.
    const clean: NodeJS.ProcessEnv = { CI: "true" };
    for (const name of OFF_MODE_ENV) if (env[name] !== undefined) clean[name] = env[name];
    return createPlainRunner({ env: clean });
  }
  // Read before the sandbox check, so a bad value is reported as itself.
  const disk = sandboxDiskLimitsFromEnv(env);
  if (!disk.ok) throw new SandboxUnavailableError(disk.message);
  const detection = await detectSandbox({ bwrapPath: params.bwrapPath, env });
  if (!detection.ok) {
    throw new SandboxUnavailableError(
      `The sandbox for the repository's commands cannot start: ${detection.reason}. ` +
        "Install bubblewrap (apt-get install bubblewrap) and make sure it can create user namespaces, " +
        "or set LOCAL_AGENT_SANDBOX=off to run the repository's code without isolation — not recommended.",
    );
  }
  return createBwrapRunner({
    bwrapPath: detection.bwrapPath,
    env,
    memoryMb: params.memoryMb,
    maxProcesses: params.maxProcesses,
    tmpfsMb: params.tmpfsMb,
    extraReadOnlyBinds: params.extraReadOnlyBinds,
    maxFileMb: disk.limits.fileMb,
    maxCheckoutMb: disk.limits.checkoutMb,
  });
}
