import { simpleGit, type SimpleGit } from "simple-git";
import { hostSimpleGitOptions } from "../host-git.js";
import { gitBaseEnv, gitCredentialEnv } from "./git-credential-env.js";

/**
 * simple-git for one folder with the host git hygiene settings, an explicit minimal
 * environment, and (for network commands) the token-through-credential-helper variables.
 */
export function openGit(params: { dir: string; env: NodeJS.ProcessEnv; token?: string | null; signal?: AbortSignal }): SimpleGit {
  const options = hostSimpleGitOptions(params.dir);
  const git = simpleGit({
    ...options,
    unsafe: { ...options.unsafe, allowUnsafeConfigEnvCount: true, allowUnsafeCredentialHelper: true },
    ...(params.signal ? { abort: params.signal } : {}),
  });
  return git.env({ ...gitBaseEnv(params.env), ...gitCredentialEnv(params.token ?? null) });
}
