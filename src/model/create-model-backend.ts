import path from "node:path";
import { createLlamaCppBackend } from "./create-llamacpp-backend.js";
import { createOllamaBackend } from "./create-ollama-backend.js";
import { createOpenAiBackend } from "./create-openai-backend.js";
import { createReplayBackend } from "./create-replay-backend.js";
import { modelRequestLimitsFromEnv, type ModelRequestLimits } from "./model-request-limits.js";
import { parseModelSpec } from "./parse-model-spec.js";
import type { ModelBackend } from "./types.js";
import { withTranscriptRecording } from "./with-transcript-recording.js";

export class ModelSpecError extends Error {
  override readonly name = "ModelSpecError";
}

/**
 * A backend from a model spec. Live backends (ollama, llamacpp, openai) record every raw reply to
 * `recordFile` so any real session can be replayed offline, and run every request under the
 * limits: `limits` over `LOCAL_AGENT_MODEL_TIMEOUT`/`LOCAL_AGENT_MODEL_IDLE_TIMEOUT` over the defaults.
 */
export function createModelBackend(params: {
  spec: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  fetch?: typeof fetch;
  numCtx?: number;
  temperature?: number;
  recordFile: string | null;
  /** Request limits given on the command line; the environment and the defaults fill the rest. */
  limits?: Partial<ModelRequestLimits>;
  /** The simulator, when the caller has one (the benchmark supplies it with the task it runs). */
  sim?: (params: { profile: string; spec: string }) => ModelBackend;
}): ModelBackend {
  const parsed = parseModelSpec(params.spec);
  if (!parsed.ok) throw new ModelSpecError(parsed.message);
  const spec = parsed.spec;
  const fromEnv = modelRequestLimitsFromEnv(params.env);
  if (!fromEnv.ok) throw new ModelSpecError(fromEnv.message);
  const limits = { ...fromEnv.limits, ...definedOnly(params.limits) };
  let backend: ModelBackend;
  switch (spec.backend) {
    case "ollama":
      backend = createOllamaBackend({
        model: spec.tag,
        host: params.env.OLLAMA_HOST,
        fetch: params.fetch,
        numCtx: params.numCtx,
        temperature: params.temperature,
        limits,
      });
      break;
    case "llamacpp":
      backend = createLlamaCppBackend({ url: spec.url, fetch: params.fetch, numCtx: params.numCtx, temperature: params.temperature, limits });
      break;
    case "openai":
      try {
        backend = createOpenAiBackend({
          model: spec.model,
          baseUrl: params.env.OPENAI_BASE_URL,
          apiKey: params.env.OPENAI_API_KEY,
          fetch: params.fetch,
          numCtx: params.numCtx,
          temperature: params.temperature,
          limits,
        });
      } catch (error) {
        // A bad OPENAI_BASE_URL is a usage error, reported like a bad spec.
        throw new ModelSpecError(error instanceof Error ? error.message : String(error));
      }
      break;
    case "replay":
      return createReplayBackend({ file: path.resolve(params.cwd, spec.file), spec: params.spec });
    case "sim":
      if (!params.sim) {
        throw new ModelSpecError("sim:<profile> models only run inside `local-agent bench`, which gives them the task's reference steps");
      }
      return params.sim({ profile: spec.profile, spec: params.spec });
  }
  return params.recordFile ? withTranscriptRecording(backend, { file: params.recordFile }) : backend;
}

function definedOnly(limits: Partial<ModelRequestLimits> | undefined): Partial<ModelRequestLimits> {
  return Object.fromEntries(Object.entries(limits ?? {}).filter(([, value]) => value !== undefined));
}
