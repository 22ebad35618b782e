import { execFile } from "node:child_process";
import type { SimpleGitOptions } from "simple-git";

/**
 * Settings every host-side git command runs with. Files the agent, the tests or the repository
 * planted (hooks, an fsmonitor command in config) must never execute outside the sandbox.
 */
export const HOST_GIT_CONFIG: readonly string[] = [
  "core.hooksPath=/dev/null",
  "core.fsmonitor=false",
  // A repo cannot make us run its own ssh or pager programs.
  "core.sshCommand=ssh",
  "core.pager=cat",
  "credential.interactive=never",
  // Code in the sandbox can create a nested repository in the checkout, whose own config (a
  // clean filter, a textconv) git would run when status/diff look inside submodules. -c settings
  // reach those inner git processes, so this one keeps every host command out of them.
  // (`git add -A` still looks inside already-staged nested repositories: stage explicit paths.)
  "diff.ignoreSubmodules=all",
];

/** Environment for host git: no prompts, no user/system config surprises beyond what we pass. */
export function hostGitEnv(base: NodeJS.ProcessEnv, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...base,
    GIT_TERMINAL_PROMPT: "0",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_OPTIONAL_LOCKS: "0",
    ...extra,
  };
}

export interface HostGitResult {
  stdout: string;
  stderr: string;
}

/** Runs `git <args>` in `cwd` with hooks and fsmonitor disabled. Rejects on non-zero exit. */
export function runHostGit(params: {
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  maxBuffer?: number;
}): Promise<HostGitResult> {
  const argv = [...HOST_GIT_CONFIG.flatMap((setting) => ["-c", setting]), ...params.args];
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      argv,
      { cwd: params.cwd, env: hostGitEnv(params.env ?? process.env), maxBuffer: params.maxBuffer ?? 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`git ${params.args.join(" ")} failed: ${stderr.trim() || error.message}`, { cause: error }));
        } else {
          resolve({ stdout, stderr });
        }
      },
    );
  });
}

/**
 * simple-git options that apply HOST_GIT_CONFIG. simple-git (3.36) refuses any `-c` setting of
 * core.hooksPath, core.fsmonitor, core.sshCommand or core.pager unless unlocked, whatever the
 * value: it cannot tell that ours switch those features off. It also refuses to run at all when
 * its environment holds EDITOR, PAGER, GIT_SSH_COMMAND, GIT_CONFIG_COUNT and the like, so give
 * it an explicit `.env(...)` without them.
 */
export function hostSimpleGitOptions(baseDir: string): Partial<SimpleGitOptions> {
  return {
    baseDir,
    config: [...HOST_GIT_CONFIG],
    unsafe: {
      allowUnsafeHooksPath: true,
      allowUnsafeFsMonitor: true,
      allowUnsafeSshCommand: true,
      allowUnsafePager: true,
    },
  };
}
