import { execFile } from "node:child_process";

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
