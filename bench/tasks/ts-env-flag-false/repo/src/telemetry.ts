import type { Config } from "./config/load.ts";

export interface UsageEvent {
  name: string;
  version: string;
}

/** Sends a usage event unless telemetry is switched off. Returns whether it was sent. */
export async function reportUsage(
  config: Config,
  event: UsageEvent,
  send: (url: string, body: string) => Promise<void>,
): Promise<boolean> {
  if (!config.telemetry) return false;
  await send(`${config.endpoint}/usage`, JSON.stringify(event));
  return true;
}
