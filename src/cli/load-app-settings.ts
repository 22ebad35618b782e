import fs from "node:fs";
import path from "node:path";
import { parseEnv } from "node:util";
import pino from "pino";
import type { AppConfig } from "../config/app-env-schema.js";
import { readAppEnv } from "../config/read-app-env.js";
import type { CliDeps } from "./cli-deps.js";

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

export type AppSettings = { env: NodeJS.ProcessEnv; logger: pino.Logger; config: AppConfig; privateKey: string };

/** The environment with `./.env` filled in, and the app's logger (credentials redacted). */
export function appEnvironment(deps: CliDeps): { env: NodeJS.ProcessEnv; logger: pino.Logger } {
  const env = withDotEnv(deps.env, path.join(deps.cwd, ".env"));
  return { env, logger: pino({ level: env.LOG_LEVEL ?? "info", redact: { paths: REDACT, censor: "[redacted]" } }) };
}

/**
 * What `serve` and `worker` both need before they start: every setting validated (all problems
 * listed at once) and the private key read. Writes what to fix and returns null when it cannot.
 */
export function loadAppSettings(params: {
  deps: CliDeps;
  env: NodeJS.ProcessEnv;
  logger: pino.Logger;
}): AppSettings | null {
  const { deps, env } = params;
  const read = readAppEnv(env);
  if (!read.ok) {
    deps.stderr.write(
      `local-agent: cannot start; fix these settings (in the environment or .env):\n${read.errors.map((e) => `  - ${e}`).join("\n")}\n`,
    );
    return null;
  }
  const config = read.config;
  try {
    const privateKey =
      config.privateKey.source === "env"
        ? config.privateKey.pem
        : fs.readFileSync(path.resolve(deps.cwd, config.privateKey.path), "utf8");
    return { env, logger: params.logger, config, privateKey };
  } catch (error) {
    deps.stderr.write(
      `local-agent: cannot read PRIVATE_KEY_PATH (${(error as NodeJS.ErrnoException).code ?? String(error)}): point it at the .pem file downloaded from the app's settings\n`,
    );
    return null;
  }
}

/** `.env` values fill in what the environment does not set (the environment wins). */
function withDotEnv(env: NodeJS.ProcessEnv, file: string): NodeJS.ProcessEnv {
  if (!fs.existsSync(file)) return env;
  const parsed = parseEnv(fs.readFileSync(file, "utf8"));
  return { ...parsed, ...env };
}
