import type { ApplicationFunction } from "probot";
import { buildApp } from "./app/build-app.js";
import { createDefaultAppDeps } from "./app/create-default-app-deps.js";
import { readAppEnv } from "./config/read-app-env.js";

/**
 * The Probot app (the package's default export): `probot run ./dist/index.js` or
 * `local-agent serve`. Configuration comes from the environment, validated in one go.
 */
const localAgent: ApplicationFunction = (probot, options) => {
  const env = readAppEnv(process.env);
  if (!env.ok) {
    throw new Error(`local-agent cannot start; fix these settings:\n${env.errors.map((e) => `  - ${e}`).join("\n")}`);
  }
  const { app } = buildApp(createDefaultAppDeps({ config: env.config, env: process.env, warn: (message) => probot.log.warn(message) }));
  return app(probot, options);
};

export default localAgent;
export { buildApp } from "./app/build-app.js";
export type { AppDeps } from "./app/app-deps.js";
