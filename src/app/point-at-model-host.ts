import type { AppConfig } from "../config/app-env-schema.js";
import { normalizeOllamaHost } from "../model/ollama/normalize-ollama-host.js";
import { normalizeOpenAiBaseUrl } from "../model/openai/normalize-openai-base-url.js";
import { parseModelSpec } from "../model/parse-model-spec.js";
import type { AppDeps } from "./app-deps.js";

/** The model server the app's model spec talks to (what a worker probes), or null for `sim:` and `replay:`. */
export function modelHostOf(config: AppConfig): string | null {
  const parsed = parseModelSpec(config.model);
  if (!parsed.ok) return null;
  switch (parsed.spec.backend) {
    case "ollama":
      return config.ollamaHost;
    case "llamacpp":
      return parsed.spec.url;
    case "openai":
      return config.openaiBaseUrl;
    default:
      return null;
  }
}

/**
 * A worker's dependencies with every model call sent to its own box (`--model-host`): Ollama's
 * host, the OpenAI-compatible base URL and any `llamacpp:<url>` spec (the app's or one a
 * repository chose) become `host`. The model names stay: each box serves the same models.
 */
export function pointAtModelHost(params: {
  config: AppConfig;
  host: string;
  createDeps: (config: AppConfig) => AppDeps;
}): AppDeps {
  const { host } = params;
  const deps = params.createDeps({
    ...params.config,
    ollamaHost: normalizeOllamaHost(host),
    openaiBaseUrl: normalizeOpenAiBaseUrl(host),
  });
  return {
    ...deps,
    createModel: ({ spec, recordFile }) => {
      const parsed = parseModelSpec(spec);
      const onHost = parsed.ok && parsed.spec.backend === "llamacpp" ? `llamacpp:${host.replace(/\/+$/, "")}` : spec;
      return deps.createModel({ spec: onHost, recordFile });
    },
  };
}
