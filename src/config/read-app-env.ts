import type { z } from "zod";
import { AppEnvSchema, SECRET_ENV_VARS, type AppConfig } from "./app-env-schema.js";

export type ReadAppEnvResult = { ok: true; config: AppConfig } | { ok: false; errors: string[] };

/**
 * Validates the app's environment at start (DESIGN §3). Each problem is one line naming the
 * variable, what it holds (secrets only by length) and what is expected, e.g.
 * `LOCAL_AGENT_GPU_SLOTS="zero": expected a whole number from 1 to 64 (…); the default is 1`.
 * Credentials in URLs are masked too. Takes `process.env` or any plain map (Probot's typings
 * narrow `NodeJS.ProcessEnv["LOG_LEVEL"]`, which would reject the values we want to explain).
 */
export function readAppEnv(env: Readonly<Record<string, string | undefined>>): ReadAppEnvResult {
  const result = AppEnvSchema.safeParse(env);
  if (result.success) return { ok: true, config: result.data };
  // URLs may carry credentials (`http://user:token@host`): never print them back.
  return { ok: false, errors: result.error.issues.map((issue) => describeIssue(issue, env).replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s"]+@/gi, "$1***@")) };
}

function describeIssue(issue: z.core.$ZodIssue, env: Readonly<Record<string, string | undefined>>): string {
  const name = issue.path[0];
  if (typeof name !== "string") return issue.message;
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return `${name} is not set: ${issue.message}`;
  if (SECRET_ENV_VARS.has(name)) return `${name} (value hidden, ${raw.length} characters): ${issue.message}`;
  const shown = raw.length > 120 ? `${raw.slice(0, 117)}...` : raw;
  return `${name}=${JSON.stringify(shown)}: ${issue.message}`;
}
