import { createModelBackend } from "../model/create-model-backend.js";
import { createCommandRunner } from "../workspace/create-command-runner.js";
import type { CliDeps } from "./cli-deps.js";

/** The real world: process streams, environment, signals. Only `src/cli.ts` calls this. */
export function defaultCliDeps(proc: NodeJS.Process): CliDeps {
  return {
    env: proc.env,
    cwd: proc.cwd(),
    stdout: proc.stdout,
    stderr: proc.stderr,
    now: () => Date.now(),
    createRunner: ({ mode, env, warn }) => createCommandRunner({ mode, env, logger: { warn } }),
    createModel: (params) => createModelBackend(params),
    // SIGTERM as well: `docker compose stop` and systemd send it, and a worker must put its sessions back.
    onInterrupt: (handler) => {
      proc.on("SIGINT", handler);
      proc.on("SIGTERM", handler);
      return () => {
        proc.off("SIGINT", handler);
        proc.off("SIGTERM", handler);
      };
    },
  };
}
