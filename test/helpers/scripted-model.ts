import { ModelError } from "../../src/model/model-error.js";
import type { ModelBackend, ModelInfo, ModelReply, ModelRequest } from "../../src/model/types.js";

export type ScriptStep =
  | string
  | object
  | ((request: ModelRequest) => string | object | Partial<ModelReply> | Error);

/**
 * A model that plays a script: each step is the reply's content (a string, or an object sent as
 * JSON), a full partial reply, an Error to throw, or a function of the request. Records every
 * request so tests can assert what the model was shown.
 */
export function scriptedModel(steps: ScriptStep[], info: Partial<ModelInfo> = {}): ModelBackend & { requests: ModelRequest[] } {
  const requests: ModelRequest[] = [];
  let next = 0;
  return {
    spec: "scripted:test",
    requests,
    info: async () => ({
      spec: "scripted:test",
      backend: "scripted",
      name: "scripted",
      quantization: null,
      contextLength: null,
      numCtx: null,
      backendVersion: null,
      warnings: [],
      ...info,
    }),
    async complete(request) {
      requests.push(request);
      if (request.signal?.aborted) throw new ModelError("aborted", "cancelled", "");
      const step = steps[next++];
      if (step === undefined) throw new ModelError("replay_exhausted", `script exhausted after ${steps.length} replies`, "");
      const value = typeof step === "function" ? step(request) : step;
      if (value instanceof Error) throw value;
      if (typeof value === "string") return { content: value, latencyMs: 1 };
      if ("content" in value && typeof (value as { content: unknown }).content === "string") return { latencyMs: 1, ...(value as Partial<ModelReply>), content: (value as ModelReply).content };
      return { content: JSON.stringify(value), latencyMs: 1 };
    },
  };
}
