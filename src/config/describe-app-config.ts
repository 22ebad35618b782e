import type { AppConfig } from "./app-env-schema.js";

/**
 * The configuration for the startup log, without secrets: the webhook secret and private key
 * are reduced to where they come from, and URLs lose their credentials and, for the webhook
 * proxy, the channel (a smee channel URL is enough to read every delivery).
 */
export function describeAppConfig(config: AppConfig): Record<string, unknown> {
  return {
    appId: config.appId,
    privateKey: config.privateKey.source === "env" ? "from PRIVATE_KEY" : `from file ${config.privateKey.path}`,
    webhookSecret: "set (hidden)",
    webhookProxyUrl: config.webhookProxyUrl === null ? null : `${originOf(config.webhookProxyUrl)}/… (channel hidden)`,
    model: withoutCredentials(config.model),
    ollamaHost: withoutCredentials(config.ollamaHost),
    numCtx: config.numCtx,
    openaiBaseUrl: withoutCredentials(config.openaiBaseUrl),
    dataDir: config.dataDir,
    label: config.label,
    gpuSlots: config.gpuSlots,
    redisUrl: config.redisUrl === null ? null : withoutCredentials(config.redisUrl),
    stallSeconds: config.stallSeconds,
    sandbox: config.sandbox,
    modelAllowlist: config.modelAllowlist.map(withoutCredentials),
    maxTurns: config.maxTurns,
    timeoutMinutes: config.timeoutMinutes,
    testTimeoutMinutes: config.testTimeoutMinutes,
    publicUrl: config.publicUrl === null ? null : withoutCredentials(config.publicUrl),
    retentionDays: config.retentionDays,
    oauth: config.oauth === null ? "off" : `client ${config.oauth.clientId}, secret set (hidden)`,
    metricsToken: config.metricsToken === null ? null : "set (hidden)",
    sandboxFileMb: config.sandboxFileMb,
    sandboxCheckoutMb: config.sandboxCheckoutMb,
    modelTimeoutSeconds: config.modelTimeoutSeconds,
    modelIdleTimeoutSeconds: config.modelIdleTimeoutSeconds,
    jobDeadlineMinutes: config.jobDeadlineMinutes,
    logLevel: config.logLevel,
  };
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "(unparsable URL)";
  }
}

/** `llamacpp:http://user:pw@host:8080` → `llamacpp:http://***@host:8080` (and a Redis URL's password). */
function withoutCredentials(text: string): string {
  return text.replace(/((?:https?|rediss?):\/\/)[^/@\s]+@/gi, "$1***@");
}
