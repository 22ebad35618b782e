import { type Env, readFlag, readPositiveInt } from "./env.ts";

export interface Config {
  endpoint: string;
  intervalSeconds: number;
  telemetry: boolean;
  debug: boolean;
}

export const DEFAULT_ENDPOINT = "https://collector.beacon.example/v1";

export function loadConfig(env: Env): Config {
  return {
    endpoint: env.BEACON_ENDPOINT?.trim() || DEFAULT_ENDPOINT,
    intervalSeconds: readPositiveInt(env, "BEACON_INTERVAL_S", 60),
    telemetry: readFlag(env, "BEACON_TELEMETRY", true),
    debug: readFlag(env, "BEACON_DEBUG", false),
  };
}
