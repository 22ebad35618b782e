import type { CliDeps } from "../../src/cli/cli-deps.js";
import { createModelBackend } from "../../src/model/create-model-backend.js";
import { createCommandRunner } from "../../src/workspace/create-command-runner.js";

/** CliDeps for in-process runs: captured output, the real runner (bwrap unless `--sandbox off`). */
export function captureCli(overrides: Partial<CliDeps> = {}): { deps: CliDeps; out: () => string; err: () => string } {
  let out = "";
  let err = "";
  const deps: CliDeps = {
    env: { ...process.env },
    cwd: process.cwd(),
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    now: () => Date.now(),
    createRunner: ({ mode, env, warn }) => createCommandRunner({ mode, env, logger: { warn } }),
    createModel: (params) => createModelBackend(params),
    onInterrupt: () => () => undefined,
    ...overrides,
  };
  return { deps, out: () => out, err: () => err };
}
