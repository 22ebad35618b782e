import path from "node:path";
import { run } from "probot";
import { buildApp } from "../app/build-app.js";
import { createDefaultAppDeps } from "../app/create-default-app-deps.js";
import { modelHostOf } from "../app/point-at-model-host.js";
import { describeAppConfig } from "../config/describe-app-config.js";
import { openRedisQueue } from "../jobs/redis/open-redis-queue.js";
import { SandboxUnavailableError } from "../workspace/create-command-runner.js";
import type { CliDeps } from "./cli-deps.js";
import { launchWorker } from "./launch-worker.js";
import { type AppSettings, appEnvironment, loadAppSettings } from "./load-app-settings.js";

export const SERVE_USAGE = `Usage: local-agent serve [--no-worker]

Starts the GitHub App (Probot) on PORT (default 3000), with the settings in the environment and
in ./.env. Without APP_ID and a private key yet, it serves Probot's set-up page instead, which
registers the app on GitHub from app.yml and writes the credentials to .env.
The dashboard is at /local-agent/ on the same port, Prometheus metrics at /metrics.

With LOCAL_AGENT_REDIS_URL, jobs go to the Redis queue and \`local-agent worker\` processes on
the GPU boxes run them; serve also runs one worker for this box's model unless --no-worker.`;

/**
 * `local-agent serve` (also `npm start`). Validates every setting before the server starts, and
 * refuses to start without a webhook secret (Probot would otherwise accept payloads signed with
 * "development") or without a working sandbox (unless the operator turned it off).
 */
export async function serveCommand(argv: string[], deps: CliDeps): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    deps.stdout.write(`${SERVE_USAGE}\n`);
    return 0;
  }
  const unexpected = argv.filter((arg) => arg !== "--no-worker");
  if (unexpected.length > 0) {
    deps.stderr.write(`local-agent serve: unexpected arguments: ${unexpected.join(" ")}\n\n${SERVE_USAGE}\n`);
    return 2;
  }
  const noWorker = argv.includes("--no-worker");
  const { env, logger } = appEnvironment(deps);
  const hasCredentials = Boolean(env.APP_ID) && Boolean(env.PRIVATE_KEY || env.PRIVATE_KEY_PATH);
  if (!hasCredentials) {
    // Probot's own manifest flow: register the app from app.yml, write APP_ID, key and secret to .env.
    deps.stderr.write(
      "local-agent: no GitHub App credentials yet; serving the set-up page (open http://localhost:" +
        (env.PORT ?? "3000") +
        " in a browser)\n",
    );
    await run(() => undefined, { env: { ...env }, log: logger });
    return await waitForever();
  }
  const settings = loadAppSettings({ deps, env, logger });
  if (!settings) return 2;
  if (noWorker && settings.config.redisUrl === null) {
    deps.stderr.write(
      "local-agent serve: --no-worker needs LOCAL_AGENT_REDIS_URL: without the Redis queue no other process could run the jobs\n",
    );
    return 2;
  }
  try {
    return await serveApp({ settings, deps, noWorker });
  } catch (error) {
    if (!(error instanceof SandboxUnavailableError)) throw error;
    deps.stderr.write(`local-agent: ${error.message}\n`);
    return 2;
  }
}

async function serveApp(params: { settings: AppSettings; deps: CliDeps; noWorker: boolean }): Promise<number> {
  const { settings, deps } = params;
  const { config, env, logger, privateKey } = settings;
  const appDeps = createDefaultAppDeps({ config, env, warn: (message) => logger.warn(message) });
  const redisUrl = config.redisUrl;
  // A receiver alone runs no repository code, so it needs no sandbox.
  if (!params.noWorker) await appDeps.createRunner();
  const workers =
    redisUrl === null
      ? undefined
      : openRedisQueue({
          url: redisUrl,
          onError: (error) => logger.warn({ err: error.message }, "Redis connection trouble (retrying)"),
        });
  logger.info(describeAppConfig(config), "local-agent starting");
  const { app, handle } = buildApp({ ...appDeps, ...(workers ? { workers } : {}) });
  const server = await run(app, {
    env: { ...env, APP_ID: String(config.appId), PRIVATE_KEY: privateKey, WEBHOOK_SECRET: config.webhookSecret },
    log: logger,
  });
  await handle.ready;
  const worker =
    redisUrl !== null && !params.noWorker
      ? await launchWorker({
          settings,
          redisUrl,
          modelHost: modelHostOf(config),
          slots: config.gpuSlots,
          dataDir: path.join(config.dataDir, "worker"),
          runs: appDeps.runs,
        })
      : null;
  logger.info(
    {
      port: server.port,
      dashboard: `${config.publicUrl ?? `http://localhost:${server.port}`}/local-agent/`,
      queue: redisUrl === null ? "sqlite" : "redis",
      worker: worker !== null || redisUrl === null,
    },
    "local-agent is ready for webhooks",
  );
  const stop = deps.onInterrupt(() => {
    // Open dashboard event streams would keep the server from closing.
    handle.dashboard().close();
    void (async () => {
      await worker?.close();
      await handle.scheduler().stop();
      await workers?.close();
      appDeps.store.close();
      appDeps.runs.close();
      await server.stop();
    })().finally(() => process.exit(0));
  });
  await waitForever();
  stop();
  return 0;
}

function waitForever(): Promise<number> {
  return new Promise(() => undefined);
}
