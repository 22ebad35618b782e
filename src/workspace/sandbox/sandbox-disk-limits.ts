/** What the repository's commands may write, per file and in the whole checkout. */
export interface SandboxDiskLimits {
  /** RLIMIT_FSIZE inside the sandbox: no file can grow past this (MB). */
  fileMb: number;
  /** Disk the checkout may take after a command, `.git` excluded (MB). */
  checkoutMb: number;
}

/**
 * Defaults, and why: 1 GB per file is the size of the /tmp and $HOME tmpfs, and more than a test
 * suite's fixtures or a build's artifacts need; 8 GB for the checkout leaves room for installed
 * dependencies (a large JavaScript monorepo's node_modules is 2–3 GB) and build output.
 */
export const DEFAULT_SANDBOX_DISK_LIMITS: SandboxDiskLimits = { fileMb: 1024, checkoutMb: 8192 };

export const SANDBOX_FILE_MB_ENV = "LOCAL_AGENT_SANDBOX_FILE_MB";
export const SANDBOX_CHECKOUT_MB_ENV = "LOCAL_AGENT_SANDBOX_CHECKOUT_MB";

/** The limits from the environment over the defaults; a message naming the variable for a bad value. */
export function sandboxDiskLimitsFromEnv(env: NodeJS.ProcessEnv): { ok: true; limits: SandboxDiskLimits } | { ok: false; message: string } {
  const limits = { ...DEFAULT_SANDBOX_DISK_LIMITS };
  for (const [name, key] of [
    [SANDBOX_FILE_MB_ENV, "fileMb"],
    [SANDBOX_CHECKOUT_MB_ENV, "checkoutMb"],
  ] as const) {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === "") continue;
    const mb = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!(Number.isSafeInteger(mb) && mb > 0)) return { ok: false, message: `${name} must be a whole number of megabytes, not "${raw}"` };
    limits[key] = mb;
  }
  return { ok: true, limits };
}
