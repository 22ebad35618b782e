import { Ollama } from "ollama";
import { z } from "zod";
import type { LoadedModel, LoadedModelState } from "../loaded-model-state.js";
import { createRequestFetch } from "./create-request-fetch.js";

/** The parts of `GET /api/ps` we read (ollama `api/types.go` ProcessModelResponse). */
const PsSchema = z.object({
  models: z
    .array(
      z.object({
        /** Tag, e.g. `qwen2.5-coder:7b`. */
        name: z.string().optional(),
        /** Same as name on current servers. */
        model: z.string().optional(),
        /** Bytes the loaded model takes (weights, KV cache, graph). */
        size: z.number().nonnegative().optional(),
        /** Of `size`, bytes in GPU memory. */
        size_vram: z.number().nonnegative().optional(),
        /** Context allocated per request (Ollama ≥ 0.11); older servers omit it. */
        context_length: z.number().int().positive().optional(),
        /** When the model will be unloaded. */
        expires_at: z.string().optional(),
      }),
    )
    .nullish(),
});

/**
 * Ollama's loaded state for one model. With `warmUp`, first loads the model with the exact
 * `num_ctx` a run sends (an empty `/api/generate` prompt only loads it): Ollama sizes the KV cache
 * at load time, so only then does `/api/ps` say what the run will really get.
 */
export async function inspectOllamaLoaded(params: {
  host: string;
  model: string;
  numCtx: number | null;
  warmUp: boolean;
  fetch?: typeof fetch;
  signal?: AbortSignal;
}): Promise<LoadedModelState> {
  const client = new Ollama({ host: params.host, fetch: createRequestFetch(params.fetch ?? globalThis.fetch, params.signal) });
  const notes: string[] = [];
  let loadError: string | null = null;
  if (params.warmUp) {
    try {
      await client.generate({ model: params.model, prompt: "", stream: false, options: params.numCtx ? { num_ctx: params.numCtx } : {} });
    } catch (error) {
      if (params.signal?.aborted) throw error;
      loadError = error instanceof Error ? error.message : String(error);
    }
  }
  const ps = PsSchema.safeParse(await client.ps());
  if (!ps.success) notes.push("Ollama's /api/ps answer did not have the expected shape");
  const loaded: LoadedModel[] = (ps.success ? (ps.data.models ?? []) : []).map((entry) => ({
    name: entry.name ?? entry.model ?? "unknown",
    contextLength: entry.context_length ?? null,
    sizeBytes: entry.size ?? null,
    vramBytes: entry.size_vram ?? null,
    expiresAt: entry.expires_at ?? null,
  }));
  const wanted = canonical(params.model);
  const target = loaded.find((entry) => canonical(entry.name) === wanted) ?? null;
  if (target && target.contextLength === null) notes.push("this Ollama does not report the allocated context in /api/ps (0.11 and later do); upgrade it to see it");
  return { backend: "ollama", host: params.host, loaded, target, askedContext: params.numCtx, slots: null, loadError, notes };
}

function canonical(name: string): string {
  const lower = name.toLowerCase();
  return lower.includes(":") ? lower : `${lower}:latest`;
}
