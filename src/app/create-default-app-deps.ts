import path from "node:path";
import type { AppConfig } from "../config/app-env-schema.js";
import { openJobStore } from "../jobs/open-job-store.js";
import { createModelBackend } from "../model/create-model-backend.js";
import { openRunStore } from "../store/open-run-store.js";
import { createCommandRunner } from "../workspace/create-command-runner.js";
import type { AppDeps } from "./app-deps.js";

/** The real dependencies: a SQLite store and workspaces under the data folder, the sandbox, the model. */
export function createDefaultAppDeps(params: { config: AppConfig; env: NodeJS.ProcessEnv; warn: (message: string) => void }): AppDeps {
  const { config, env } = params;
  const dataDir = path.resolve(config.dataDir);
  let runner: ReturnType<typeof createCommandRunner> | null = null;
  return {
    config,
    env,
    store: openJobStore({ file: path.join(dataDir, "jobs.sqlite"), now: () => new Date() }),
    runs: openRunStore({ file: path.join(dataDir, "jobs.sqlite"), now: () => new Date(), retentionDays: config.retentionDays }),
    // Detected once: if bubblewrap cannot start, every job fails with the same clear message.
    createRunner: () => {
      runner ??= createCommandRunner({ mode: config.sandbox, env, logger: { warn: params.warn } });
      return runner;
    },
    createModel: ({ spec, recordFile }) =>
      createModelBackend({
        spec,
        env: { ...env, OLLAMA_HOST: config.ollamaHost, OPENAI_BASE_URL: config.openaiBaseUrl },
        cwd: dataDir,
        recordFile,
        ...(config.numCtx ? { numCtx: config.numCtx } : {}),
      }),
    now: () => new Date(),
    workspacesDir: path.join(dataDir, "workspaces"),
    reportsDir: path.join(dataDir, "reports"),
  };
}
