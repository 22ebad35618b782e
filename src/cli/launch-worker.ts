import path from "node:path";
import { createProbot } from "probot";
import type { AppDeps } from "../app/app-deps.js";
import { createDefaultAppDeps } from "../app/create-default-app-deps.js";
import { pointAtModelHost } from "../app/point-at-model-host.js";
import { startAppWorker } from "../app/start-app-worker.js";
import type { AppSettings } from "./load-app-settings.js";

/**
 * A worker from the app's settings: its own job store and workspaces under `dataDir` (a worker
 * beside `serve` must not share the receiver's rows), the model sent to `modelHost`, Probot for
 * GitHub tokens (`GHE_HOST` honoured as in `serve`). Throws `SandboxUnavailableError` when the
 * sandbox cannot start, before it takes any session.
 */
export async function launchWorker(params: {
  settings: AppSettings;
  redisUrl: string;
  modelHost: string | null;
  slots: number;
  dataDir: string;
  /** The run store to record runs in (serve's, so its dashboard shows them); else the worker's own. */
  runs?: AppDeps["runs"];
}): Promise<{ close(): Promise<void> }> {
  const { settings, modelHost } = params;
  const { env, logger } = settings;
  const config = { ...settings.config, dataDir: params.dataDir };
  const createDeps = (c: typeof config) =>
    createDefaultAppDeps({ config: c, env, warn: (message) => logger.warn(message) });
  const made = modelHost ? pointAtModelHost({ config, host: modelHost, createDeps }) : createDeps(config);
  if (params.runs) made.runs.close();
  // Checkpoints go to the job's branch as they are made: a worker that takes the session over resumes from them.
  const deps: AppDeps = { ...made, ...(params.runs ? { runs: params.runs } : {}), pushCheckpoints: true };
  try {
    await deps.createRunner();
    const probot = createProbot({
      env: { ...env, APP_ID: String(config.appId), PRIVATE_KEY: settings.privateKey },
      overrides: { log: logger },
    });
    const worker = await startAppWorker({
      probot,
      deps,
      redisUrl: params.redisUrl,
      slots: params.slots,
      modelHost,
      log: logger,
    });
    logger.info(
      { modelHost, slots: params.slots, dataDir: path.resolve(params.dataDir) },
      "local-agent worker is taking sessions",
    );
    return {
      close: async () => {
        await worker.close();
        deps.store.close();
        if (!params.runs) deps.runs.close();
      },
    };
  } catch (error) {
    deps.store.close();
    if (!params.runs) deps.runs.close();
    throw error;
  }
}
