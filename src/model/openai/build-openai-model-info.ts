import { quantizationFromName } from "../llamacpp/quantization-from-name.js";
import type { ModelInfo } from "../types.js";
import type { ServerFacts } from "./discover-server-facts.js";
import type { ModelEntry } from "./openai-schemas.js";
import type { StructuredOutputProbe } from "./probe-structured-output.js";

/** Below this a context cannot hold a system prompt, a repo map and a few file reads (DESIGN §1). */
const SMALL_CONTEXT = 8192;

/** What `GET /models`, the structured-output probe and the server's own endpoints say, as the ModelInfo the report shows. */
export function buildOpenAiModelInfo(params: {
  spec: string;
  base: string;
  model: string;
  /** `GET /models` entries, or null when the server did not list them (`modelsProblem` says why). */
  models: ModelEntry[] | null;
  modelsProblem: string | null;
  probe: StructuredOutputProbe;
  facts: ServerFacts;
  /** The context window the user asked for, if any (`--num-ctx`); an OpenAI server cannot be told it. */
  numCtx?: number;
}): ModelInfo {
  const { model, models, probe, facts } = params;
  const warnings: string[] = [];
  const entry = models?.find((m) => m.id === model) ?? (models?.length === 1 ? models[0] : undefined);
  if (params.modelsProblem) warnings.push(`the server did not list its models (${params.modelsProblem}); the model name is not checked in advance`);
  else if (models && !models.some((m) => m.id === model)) {
    warnings.push(
      `"${model}" is not in the server's model list (${models.map((m) => m.id).join(", ") || "empty"}), but it answered: it serves ${probe.answeredModel ? `"${probe.answeredModel}"` : "one model"} whatever the name`,
    );
  }

  // llama-server names its model by the GGUF path it was started with: the file name is the name.
  const answered = probe.answeredModel?.trim() || model;
  const name = /[\\/].*\.gguf$/i.test(answered) ? (answered.split(/[\\/]/).pop() ?? answered) : answered;
  const quantization = [facts.modelPath, entry?.id, answered, model].map((n) => quantizationFromName(n?.replace(/@/g, "-"))).find((q) => q !== null) ?? null;
  const contextLength = entry?.meta?.n_ctx_train ?? entry?.max_context_length ?? entry?.context_length ?? entry?.max_model_len ?? null;
  const window = facts.slotContext ?? entry?.meta?.n_ctx ?? entry?.loaded_context_length ?? entry?.max_model_len ?? null;
  let numCtx = window ?? params.numCtx ?? null;
  if (window !== null && params.numCtx !== undefined && params.numCtx < window) numCtx = params.numCtx;
  if (window !== null && params.numCtx !== undefined && params.numCtx > window) {
    warnings.push(`a context of ${params.numCtx} tokens was asked for, but the server runs ${name} with ${window}; using ${window}. Load the model with a larger context to get more`);
  }
  if (window === null) warnings.push("the server did not say how large its context window is; prompts are budgeted without it");
  if (numCtx !== null && numCtx < SMALL_CONTEXT) {
    warnings.push(`the server's context is only ${numCtx} tokens; an agent run needs at least ${SMALL_CONTEXT}: load the model with a context of 16384 or more`);
  }
  if (quantization && /^(I?Q[1-3]|TQ[12])(_|$)/i.test(quantization)) {
    warnings.push(`${name} is quantized ${quantization}, which is not agent-grade: q5 is the realistic floor for 8B models; load a Q5_K_M (or larger) build`);
  }
  if (!probe.supported) warnings.push(`${probe.detail}: tool calls are not grammar-constrained on this server, so the repair and retry layers do the work`);

  return {
    spec: params.spec,
    backend: "openai",
    name,
    quantization,
    contextLength,
    numCtx,
    backendVersion: facts.version ?? probe.fingerprint,
    warnings,
    structuredOutput: { supported: probe.supported, detail: probe.detail },
  };
}
