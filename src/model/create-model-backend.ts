import path from "node:path";
import { createLlamaCppBackend } from "./create-llamacpp-backend.js";
import { createOllamaBackend } from "./create-ollama-backend.js";
import { createOpenAiBackend } from "./create-openai-backend.js";
import { createReplayBackend } from "./create-replay-backend.js";
import { parseModelSpec } from "./parse-model-spec.js";
import type { ModelBackend } from "./types.js";
import { withTranscriptRecording } from "./with-transcript-recording.js";

export class ModelSpecError extends Error {
  override readonly name = "ModelSpecError";
}

/**
 * A backend from a model spec. Live backends (ollama, llamacpp, openai) record every raw reply to
 * `recordFile` so any real session can be replayed offline.
 */
export function createModelBackend(params: {
  spec: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  fetch?: typeof fetch;
  numCtx?: number;
  temperature?: number;
  recordFile: string | null;
  /** The simulator, when the caller has one (the benchmark supplies it with the task it runs). */
  sim?: (params: { profile: string; spec: string }) => ModelBackend;
}): ModelBackend {
  const parsed = parseModelSpec(params.spec);
  if (!parsed.ok) throw new ModelSpecError(parsed.message);
  const spec = parsed.spec;
  let backend: ModelBackend;
  switch (spec.backend) {
    case "ollama":
      backend = createOllamaBackend({
        model: spec.tag,
        host: params.env.OLLAMA_HOST,
        fetch: params.fetch,
        numCtx: params.numCtx,
        temperature: params.temperature,
      });
      break;
    case "llamacpp":
      backend = createLlamaCppBackend({ url: spec.url, fetch: params.fetch, numCtx: params.numCtx, temperature: params.temperature });
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
