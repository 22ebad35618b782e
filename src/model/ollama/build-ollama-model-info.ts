import { z } from "zod";
import type { ModelInfo } from "../types.js";

/** The parts of `POST /api/show` we use (ollama `api/types.go` ShowResponse); the rest is ignored. */
const ShowResponseSchema = z.object({
  /** Summary from the model's manifest. */
  details: z
    .object({
      /** GGUF file type, e.g. `Q4_K_M`, `Q8_0`, `F16`. */
      quantization_level: z.string().optional(),
      /** Human size, e.g. `7.6B`. */
      parameter_size: z.string().optional(),
    })
    .nullish(),
  /** GGUF key/values: `general.architecture` and `<arch>.context_length` among them. */
  model_info: z.record(z.string(), z.unknown()).nullish(),
  /** What the model can do: `completion`, `tools`, `thinking`, `embedding`, … (older servers omit it). */
  capabilities: z.array(z.string()).nullish(),
  /** The Go template that turns the messages into the prompt. */
  template: z.string().nullish(),
  /** A built-in prompt renderer that replaces the template (newer models, e.g. qwen3). */
  renderer: z.string().nullish(),
});

/** First Ollama release that honours `truncate:false` / `shift:false` on `/api/chat`. */
const TRUNCATE_FLAGS_SINCE: readonly [number, number, number] = [0, 12, 6];
/** Upper bound for the default num_ctx: beyond it small models lose the loop anyway (DESIGN §1). */
const DEFAULT_NUM_CTX_CAP = 32768;
/** num_ctx when the server does not say how long the model's context is. */
const FALLBACK_NUM_CTX = 8192;

export interface OllamaModelFacts {
  info: ModelInfo;
  /** `capabilities` from `/api/show` (empty when the server is too old to report them). */
  capabilities: string[];
  /** Why the model cannot run the agent's conversation, or null. */
  unusable: string | null;
}

/** Turns `/api/version` and `/api/show` answers into the ModelInfo the report shows. */
export function buildOllamaModelInfo(params: {
  model: string;
  version: string | null;
  show: unknown;
  /** Explicit num_ctx from the user, if any. */
  numCtx?: number;
}): OllamaModelFacts {
  const parsed = ShowResponseSchema.safeParse(params.show);
  const show = parsed.success ? parsed.data : {};
  const warnings: string[] = [];

  const quantization = show.details?.quantization_level?.trim() || null;
  const contextLength = readContextLength(show.model_info ?? {});
  const capabilities = show.capabilities ?? [];

  let numCtx: number;
  if (params.numCtx !== undefined) {
    numCtx = params.numCtx;
    if (contextLength !== null && numCtx > contextLength) {
      warnings.push(
        `num_ctx ${numCtx} is larger than ${params.model}'s context length ${contextLength}; using ${contextLength}`,
      );
      numCtx = contextLength;
    }
  } else if (contextLength !== null) {
    numCtx = Math.min(contextLength, DEFAULT_NUM_CTX_CAP);
  } else {
    numCtx = FALLBACK_NUM_CTX;
    warnings.push(`Ollama did not report ${params.model}'s context length; sending num_ctx ${FALLBACK_NUM_CTX}`);
  }

  const version = parseVersion(params.version);
  if (params.version === null) {
    warnings.push("could not read Ollama's version; if it is older than 0.12.6 it may truncate prompts silently");
  } else if (version && compareVersions(version, TRUNCATE_FLAGS_SINCE) < 0) {
    warnings.push(
      `Ollama ${params.version} is older than 0.12.6: it ignores truncate:false, so a prompt longer than num_ctx ${numCtx} ` +
        "is cut silently instead of refused (the run can only notice it from prompt_eval_count); upgrade Ollama",
    );
  }

  if (quantization && /^(I?Q[1-3]|TQ[12])(_|$)/i.test(quantization)) {
    warnings.push(
      `${params.model} is quantized ${quantization}, which is not agent-grade: q5 is the realistic floor for 8B models; ` +
        "pull a Q5_K_M (or larger) tag",
    );
  }

  if (capabilities.length > 0 && !capabilities.includes("completion")) {
    warnings.push(`${params.model} cannot chat (capabilities: ${capabilities.join(", ")}); pick a chat/instruct model`);
  }

  return {
    info: {
      spec: `ollama:${params.model}`,
      backend: "ollama",
      name: params.model,
      quantization,
      contextLength,
      numCtx,
      backendVersion: params.version,
      warnings,
    },
    capabilities,
    unusable: templateProblem(params.model, show),
  };
}

/**
 * A chat template must show the model the system prompt and its own earlier replies. Ollama
 * falls back to `{{ .Prompt }}` when it cannot map a GGUF's embedded template onto one of its
 * own (seen on a real import of Qwen2.5-Coder), and that renders only the user messages: the
 * model never sees the rules, the tools or what it did, and a run is wasted without a word.
 * A template over `.Messages`, a legacy one over `.System` and `.Response`, or a renderer is fine.
 */
function templateProblem(model: string, show: z.infer<typeof ShowResponseSchema>): string | null {
  const template = show.template;
  if (show.renderer || template === null || template === undefined) return null;
  if (/\.Messages\b/.test(template) || (/\.System\b/.test(template) && /\.Response\b/.test(template))) return null;
  const shown = template.trim().length > 60 ? `${template.trim().slice(0, 60)}…` : template.trim();
  return `Ollama's chat template for ${model} (\`${shown}\`) renders only the user's messages, so the model would never see the system prompt or its own earlier replies`;
}

function readContextLength(modelInfo: Record<string, unknown>): number | null {
  const architecture = modelInfo["general.architecture"];
  const direct = typeof architecture === "string" ? modelInfo[`${architecture}.context_length`] : undefined;
  if (isPositiveInteger(direct)) return direct;
  // Some exports name the architecture differently from the key prefix; any single
  // `*.context_length` key is still the model's window.
  const candidates = Object.entries(modelInfo)
    .filter(([key, value]) => key.endsWith(".context_length") && isPositiveInteger(value))
    .map(([, value]) => value as number);
  return candidates.length === 1 ? (candidates[0] ?? null) : null;
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value > 0;
}

type Version = readonly [number, number, number];

function parseVersion(version: string | null): Version | null {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version ?? "");
  if (!match) return null;
  const parsed: Version = [Number(match[1]), Number(match[2]), Number(match[3])];
  // Source builds report 0.0.0: their age is unknown, so no warning either way.
  return parsed.every((part) => part === 0) ? null : parsed;
}

function compareVersions(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
