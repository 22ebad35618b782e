import fs from "node:fs";
import path from "node:path";
import { parseEnv } from "node:util";
import pino from "pino";
import { run } from "probot";
import { buildApp } from "../app/build-app.js";
import { createDefaultAppDeps } from "../app/create-default-app-deps.js";
import { describeAppConfig } from "../config/describe-app-config.js";
import { readAppEnv } from "../config/read-app-env.js";
import { SandboxUnavailableError } from "../workspace/create-command-runner.js";
import type { CliDeps } from "./cli-deps.js";

export const SERVE_USAGE = `Usage: local-agent serve

Starts the GitHub App (Probot) on PORT (default 3000), with the settings in the environment and
in ./.env. Without APP_ID and a private key yet, it serves Probot's set-up page instead, which
registers the app on GitHub from app.yml and writes the credentials to .env.
The dashboard is at /local-agent/ on the same port, Prometheus metrics at /metrics.`;

/** Log fields that may carry credentials; pino replaces them before anything is written. */
const REDACT = [
  "req.headers.authorization",
  "headers.authorization",
  "request.headers.authorization",
  "*.headers.authorization",
  "token",
  "*.token",
  "privateKey",
  "*.privateKey",
  "webhookSecret",
  "*.webhookSecret",
  // pino-http logs request headers: the dashboard's session cookie must not end up in the log.
  "req.headers.cookie",
  "*.headers.cookie",
  'res.headers["set-cookie"]',
];

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
  if (argv.length > 0) {
    deps.stderr.write(`local-agent serve: unexpected arguments: ${argv.join(" ")}\n\n${SERVE_USAGE}\n`);
    return 2;
  }
  const env = withDotEnv(deps.env, path.join(deps.cwd, ".env"));
  const logger = pino({ level: env.LOG_LEVEL ?? "info", redact: { paths: REDACT, censor: "[redacted]" } });
  const hasCredentials = Boolean(env.APP_ID) && Boolean(env.PRIVATE_KEY || env.PRIVATE_KEY_PATH);
  if (!hasCredentials) {
    // Probot's own manifest flow: register the app from app.yml, write APP_ID, key and secret to .env.
    deps.stderr.write("local-agent: no GitHub App credentials yet; serving the set-up page (open http://localhost:" + (env.PORT ?? "3000") + " in a browser)\n");
    await run(() => undefined, { env: { ...env }, log: logger });
    return await waitForever();
  }
  const read = readAppEnv(env);
  if (!read.ok) {
    deps.stderr.write(`local-agent: cannot start; fix these settings (in the environment or .env):\n${read.errors.map((e) => `  - ${e}`).join("\n")}\n`);
    return 2;
  }
  const config = read.config;
  let privateKey: string;
  try {
    privateKey = config.privateKey.source === "env" ? config.privateKey.pem : fs.readFileSync(path.resolve(deps.cwd, config.privateKey.path), "utf8");
  } catch (error) {
    deps.stderr.write(`local-agent: cannot read PRIVATE_KEY_PATH (${(error as NodeJS.ErrnoException).code ?? String(error)}): point it at the .pem file downloaded from the app's settings\n`);
    return 2;
  }
  const appDeps = createDefaultAppDeps({ config, env, warn: (message) => logger.warn(message) });
  try {
    await appDeps.createRunner();
  } catch (error) {
    if (error instanceof SandboxUnavailableError) {
      deps.stderr.write(`local-agent: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  logger.info(describeAppConfig(config), "local-agent starting");
  const { app, handle } = buildApp(appDeps);
  const server = await run(app, { env: { ...env, APP_ID: String(config.appId), PRIVATE_KEY: privateKey, WEBHOOK_SECRET: config.webhookSecret }, log: logger });
  await handle.ready;
  logger.info({ port: server.port, dashboard: `${config.publicUrl ?? `http://localhost:${server.port}`}/local-agent/` }, "local-agent is ready for webhooks");
  const stop = deps.onInterrupt(() => {
    // Open dashboard event streams would keep the server from closing.
    handle.dashboard().close();
    void handle
      .scheduler()
      .stop()
      .finally(() => {
        appDeps.store.close();
        appDeps.runs.close();
        void server.stop().finally(() => process.exit(0));
      });
  });
  await waitForever();
  stop();
  return 0;
}

/** `.env` values fill in what the environment does not set (the environment wins). */
function withDotEnv(env: NodeJS.ProcessEnv, file: string): NodeJS.ProcessEnv {
  if (!fs.existsSync(file)) return env;
  const parsed = parseEnv(fs.readFileSync(file, "utf8"));
  return { ...parsed, ...env };
}

function waitForever(): Promise<number> {
  return new Promise(() => undefined);
}
