import { z } from "zod";
import type { ModelInfo } from "../types.js";
import { quantizationFromName } from "./quantization-from-name.js";

/** The parts of llama-server's `GET /props` we use (tools/server README); the rest is ignored. */
const PropsSchema = z.object({
  /** Defaults for `/completion`; `n_ctx` is the context of one slot (total `-c` / `--parallel`). */
  default_generation_settings: z
    .object({
      /** Context window of one slot, in tokens. */
      n_ctx: z.number().int().positive().optional(),
    })
    .nullish(),
  /** `--alias`; without one, current builds put the `-m` path here. */
  model_alias: z.string().nullish(),
  /** The GGUF's file type as llama.cpp names it (`Q4_K_M`); current builds only. */
  model_ftype: z.string().nullish(),
  /** The `-m` path of the loaded GGUF file. */
  model_path: z.string().nullish(),
  /** `b<build number>-<commit>`. */
  build_info: z.string().nullish(),
  /** Parallel slots (`--parallel`); the context is split between them. */
  total_slots: z.number().int().positive().nullish(),
});

/** The parts of `GET /v1/models` we use: one entry for the loaded model. */
const ModelsSchema = z.object({
  /** Always one element in single-model mode. */
  data: z
    .array(
      z.object({
        /** The alias, or the model path when no alias was given. */
        id: z.string().optional(),
        /** GGUF facts; `null` while the model loads. */
        meta: z
          .object({
            /** The context length the model was trained with. */
            n_ctx_train: z.number().int().positive().optional(),
            /** The GGUF's file type (`Q4_K_M`); current builds only. */
            ftype: z.string().optional(),
          })
          .nullish(),
      }),
    )
    .optional(),
});

/** Below this a slot cannot hold a system prompt, a repo map and a few file reads (DESIGN §1). */
const SMALL_CONTEXT = 8192;

/** Turns `/props` and `/v1/models` answers into the ModelInfo the report shows. */
export function buildLlamaCppModelInfo(params: {
  /** The spec the user gave, `llamacpp:<url>`. */
  spec: string;
  url: string;
  props: unknown;
  /** `/v1/models`, or null when the server did not answer it. */
  models: unknown;
  /** The context window the user asked for, if any. */
  numCtx?: number;
}): ModelInfo {
  const propsResult = PropsSchema.safeParse(params.props);
  const props = propsResult.success ? propsResult.data : {};
  const modelsResult = ModelsSchema.safeParse(params.models);
  const model = modelsResult.success ? modelsResult.data.data?.[0] : undefined;
  const warnings: string[] = [];

  const fileName = props.model_path ? baseName(props.model_path) : null;
  // Without --alias, a real llama-server reports the whole -m path as the alias: show the file.
  const alias = props.model_alias?.trim() ? baseName(props.model_alias.trim()) : null;
  const name = alias || fileName || model?.id || "unknown model";
  const quantization =
    ftypeName(props.model_ftype) ??
    ftypeName(model?.meta?.ftype) ??
    (quantizationFromName(fileName) ?? quantizationFromName(props.model_alias) ?? quantizationFromName(model?.id));

  const slotContext = props.default_generation_settings?.n_ctx ?? null;
  let numCtx = slotContext;
  if (slotContext === null) {
    numCtx = params.numCtx ?? null;
    warnings.push(`llama-server at ${params.url} did not report its context size; prompts are budgeted without it`);
  } else if (params.numCtx !== undefined && params.numCtx < slotContext) {
    numCtx = params.numCtx;
  } else if (params.numCtx !== undefined && params.numCtx > slotContext) {
    const slots = props.total_slots && props.total_slots > 1 ? ` (split over ${props.total_slots} slots)` : "";
    warnings.push(
      `a context of ${params.numCtx} tokens was asked for, but llama-server runs with ${slotContext} per slot${slots}; ` +
        `using ${slotContext}. Restart it with \`-c ${params.numCtx * (props.total_slots ?? 1)}\` to get more`,
    );
  }
  if (numCtx !== null && numCtx < SMALL_CONTEXT) {
    warnings.push(
      `llama-server's context is only ${numCtx} tokens per slot; an agent run needs at least ${SMALL_CONTEXT}: restart it with \`-c 16384\` or more`,
    );
  }

  if (quantization && /^(I?Q[1-3]|TQ[12])(_|$)/i.test(quantization)) {
    warnings.push(
      `${name} is quantized ${quantization}, which is not agent-grade: q5 is the realistic floor for 8B models; ` +
        "load a Q5_K_M (or larger) GGUF",
    );
  }

  return {
    spec: params.spec,
    backend: "llamacpp",
    name,
    quantization,
    contextLength: model?.meta?.n_ctx_train ?? null,
    numCtx,
    backendVersion: props.build_info?.trim() || null,
    warnings,
  };
}

function baseName(file: string): string {
  return file.split(/[\\/]/).pop() || file;
}

/**
 * llama.cpp's own file-type names (`llama_model_ftype_name`) spell K-quant sizes out
 * ("Q4_K - Medium"); the report uses the GGUF file-name form everyone knows (`Q4_K_M`).
 */
export function ftypeName(ftype: string | null | undefined): string | null {
  const text = ftype?.trim();
  if (!text) return null;
  const sized = /^(\S+) - (Small|Medium|Large|Extra Small)$/i.exec(text);
  if (sized) return `${sized[1]}_${{ small: "S", medium: "M", large: "L", "extra small": "XS" }[sized[2]?.toLowerCase() ?? ""] ?? ""}`;
  return text.split(" - ")[0]?.trim() || null;
}
