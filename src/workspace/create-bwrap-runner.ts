import { readdirSync, readFileSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { CommandRunner, RunCommandParams } from "./command-runner.js";
import { spawnCapped } from "./plain-runner.js";
import { buildBwrapArgs, SANDBOX_HOME, type SandboxLayout } from "./sandbox/build-bwrap-args.js";
import { checkDiskLimits } from "./sandbox/check-disk-limits.js";
import { DEFAULT_SANDBOX_DISK_LIMITS } from "./sandbox/sandbox-disk-limits.js";
import { findGitBinds } from "./sandbox/find-git-binds.js";
import { findHiddenEtcEntries } from "./sandbox/find-hidden-etc-entries.js";
import { findOnPath } from "./sandbox/find-on-path.js";
import { findSystemDirs } from "./sandbox/find-system-dirs.js";
import { findToolchains, type Toolchains } from "./sandbox/find-toolchains.js";
import { watchProcessTree } from "./sandbox/watch-process-tree.js";

/** The sum of the sandbox's private resident memory; the whole sandbox is stopped above it. */
export const DEFAULT_MEMORY_MB = 4096;
/**
 * V8 maps 512 MB of writable code space per isolate up front (measured with Node 24: VmData of
 * an idle `node` is 560 MB, each worker thread adds about 540 MB, untouched). RLIMIT_DATA counts
 * that, so the per-process ceiling leaves room for one isolate per CPU (worker-thread test
 * runners start that many, besides the main one and a spare) on top of the memory budget.
 */
const V8_RESERVATION_MB = 576;
/** Processes plus threads: a Node process alone runs about ten threads. */
export const DEFAULT_MAX_PROCESSES = 1024;
/** Each of /tmp and $HOME; tmpfs is RAM, so it is capped separately from process memory. */
export const DEFAULT_TMPFS_MB = 1024;
const SHM_MB = 256;
const WATCH_INTERVAL_MS = 200;
/** The outer bwrap and the sandbox's PID 1 are in the tree but not under the rlimit. */
const WATCH_TASK_SLACK = 8;
const SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/**
 * Runs the repository's commands under bubblewrap: new user, PID, network, IPC, UTS and cgroup
 * namespaces, no capabilities, a clean environment, a read-only system, the checkout writable
 * but its `.git` read-only, tmpfs /tmp and $HOME, and limits on memory, processes, output and
 * time. See docs/security-model.md for what this does and does not protect.
 */
export function createBwrapRunner(
  params: {
    /** bwrap executable; default: `bwrap` on the host PATH. */
    bwrapPath?: string;
    /** Host environment, used only to find toolchains (python3, npm); never passed into the sandbox. */
    env?: NodeJS.ProcessEnv;
    memoryMb?: number;
    maxProcesses?: number;
    /** Size of each of the /tmp and $HOME tmpfs. */
    tmpfsMb?: number;
    /** More host folders the repository's toolchain needs, bound read-only at the same path. */
    extraReadOnlyBinds?: string[];
    /** The node to expose inside (with its install prefix); default: the one running us. */
    nodeExecPath?: string;
    /** CPUs the sandboxed test runners will see; sizes the per-process data limit. Default: this host's. */
    cpuCount?: number;
    /** The largest file a command may write (RLIMIT_FSIZE), MB; default 1024. */
    maxFileMb?: number;
    /** Disk the checkout may take after a command (.git excluded), MB; default 8192. */
    maxCheckoutMb?: number;
    /** Files and folders the checkout may hold after a command; default 1,000,000. */
    maxCheckoutEntries?: number;
  } = {},
): CommandRunner {
  const hostEnv = params.env ?? process.env;
  const hostHome = hostEnv.HOME ? path.resolve(hostEnv.HOME) : null;
  const memoryMb = params.memoryMb ?? DEFAULT_MEMORY_MB;
  const maxProcesses = params.maxProcesses ?? DEFAULT_MAX_PROCESSES;
  const tmpfsMb = params.tmpfsMb ?? DEFAULT_TMPFS_MB;
  const disk = { fileMb: params.maxFileMb ?? DEFAULT_SANDBOX_DISK_LIMITS.fileMb, checkoutMb: params.maxCheckoutMb ?? DEFAULT_SANDBOX_DISK_LIMITS.checkoutMb };
  const processDataMb = memoryMb + V8_RESERVATION_MB * ((params.cpuCount ?? os.availableParallelism()) + 2);
  const extraBinds = (params.extraReadOnlyBinds ?? []).map((dir) => {
    if (!path.isAbsolute(dir)) throw new Error(`sandbox bind "${dir}" must be an absolute path`);
    const resolved = path.resolve(dir);
    if (resolved === "/" || (hostHome && (hostHome === resolved || hostHome.startsWith(resolved + path.sep)))) {
      throw new Error(`sandbox bind "${dir}" would expose the host's home folder or root; bind the toolchain folder itself`);
    }
    return resolved;
  });
  const bwrapPath = params.bwrapPath ?? findOnPath("bwrap", hostEnv.PATH) ?? "bwrap";
  // Host facts that do not change while the app runs; found on first use, once per runner.
  let hostFacts: Promise<{ toolchains: Toolchains; system: SandboxLayout["system"] }> | null = null;
  const loadHostFacts = () => {
    hostFacts ??= Promise.all([
      findToolchains({ nodeExecPath: params.nodeExecPath ?? process.execPath, env: hostEnv }),
      findSystemDirs(),
    ]).then(([toolchains, system]) => ({ toolchains, system }));
    hostFacts.catch(() => {
      hostFacts = null;
    });
    return hostFacts;
  };

  async function prepare(run: RunCommandParams): Promise<{ argv: string[]; checkout: string }> {
    const checkout = await fs.realpath(run.cwd);
    if (checkout === "/" || (hostHome && (hostHome === checkout || hostHome.startsWith(checkout + path.sep)))) {
      throw new Error(`refusing to run a command with "${run.cwd}" writable: it is or contains the host's home folder`);
    }
    const [{ toolchains, system }, hidden, gitBinds] = await Promise.all([
      loadHostFacts(),
      // Walked on every run (about 20 ms): a secret installed after start-up is still hidden.
      findHiddenEtcEntries(),
      findGitBinds(checkout),
    ]);
    const env: Record<string, string> = {
      PATH: [...toolchains.pathDirs, SYSTEM_PATH].join(":"),
      HOME: SANDBOX_HOME,
      LANG: "C.UTF-8",
      LC_ALL: "C.UTF-8",
      TMPDIR: "/tmp",
      CI: "true",
      // The output is read by a model: colour codes only cost tokens.
      NO_COLOR: "1",
      // Python trusts a cached .pyc whose source has the same size and mtime second: an edit
      // like `+` -> `-` made within a second of the last test run would test the old code.
      PYTHONDONTWRITEBYTECODE: "1",
      ...run.env,
    };
    const argv = [
      bwrapPath,
      ...buildBwrapArgs({
        layout: {
          system,
          hiddenFiles: hidden.files,
          hiddenDirs: hidden.dirs,
          readOnlyBinds: [...toolchains.binds, ...extraBinds.filter((dir) => !toolchains.binds.includes(dir))],
          checkout: { dir: checkout, readOnly: gitBinds },
        },
        network: run.network ?? false,
        env,
        limits: {
          dataBytes: processDataMb * 1024 * 1024,
          tasks: maxProcesses,
          tmpfsBytes: tmpfsMb * 1024 * 1024,
          shmBytes: Math.min(SHM_MB, tmpfsMb) * 1024 * 1024,
          fileBytes: disk.fileMb * 1024 * 1024,
        },
        argv: ["/bin/sh", "-c", run.command],
      }),
    ];
    return { argv, checkout };
  }

  return {
    describe: () => ({
      mode: "bwrap",
      limits: {
        memory_mb: memoryMb,
        process_data_mb: processDataMb,
        processes: maxProcesses,
        tmpfs_mb: tmpfsMb,
        file_size_mb: disk.fileMb,
        checkout_mb: disk.checkoutMb,
        network: "none (setup phase: host network)",
        git_dir: "read-only",
      },
    }),
    run: async (run) => {
      const { argv, checkout } = await prepare(run);
      const result = await spawnCapped({
        argv,
        // bwrap itself needs nothing from the host environment, and --clearenv would drop it anyway.
        env: { PATH: SYSTEM_PATH },
        run,
        // --die-with-parent already takes the sandbox down with the outer bwrap; killing its
        // PID 1 directly (which ends every process in its PID namespace) does not depend on it.
        beforeKill: killChildren,
        watch: ({ pid, stop }) =>
          watchProcessTree({
            rootPid: pid,
            maxTasks: maxProcesses,
            taskSlack: WATCH_TASK_SLACK,
            maxAnonBytes: memoryMb * 1024 * 1024,
            intervalMs: WATCH_INTERVAL_MS,
            onExceeded: stop,
          }),
      });
      // After every command, setup included: the checkout is on the host's disk.
      return checkDiskLimits({ result, checkout, limits: disk, maxEntries: params.maxCheckoutEntries });
    },
  };
}

/** SIGKILLs the direct children of `pid` (for the outer bwrap: the sandbox's PID 1). */
function killChildren(pid: number): void {
  let threads: string[];
  try {
    threads = readdirSync(`/proc/${pid}/task`);
  } catch {
    return;
  }
  for (const tid of threads) {
    let children: string;
    try {
      children = readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8");
    } catch {
      continue;
    }
    for (const child of children.split(" ")) {
      if (!child) continue;
      try {
        process.kill(Number(child), "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  }
}
