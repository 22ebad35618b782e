import { z } from "zod";
import type { LoadedModelState, LoadedSlot } from "../loaded-model-state.js";

/** The parts of `GET /props` this reads (tools/server README). */
const PropsSchema = z.object({
  /** Defaults for `/completion`; `n_ctx` is one slot's context (`-c` / `--parallel`). */
  default_generation_settings: z.object({ n_ctx: z.number().int().positive().optional() }).nullish(),
  /** The `-m` path of the loaded GGUF file. */
  model_path: z.string().nullish(),
  /** `--alias`, when given. */
  model_alias: z.string().nullish(),
  /** Parallel slots. */
  total_slots: z.number().int().positive().nullish(),
});

/** `GET /slots`: one object per slot (disabled with `--no-slots`, then 501). */
const SlotsSchema = z.array(
  z.object({
    /** Slot number. */
    id: z.number().int(),
    /** This slot's context. */
    n_ctx: z.number().int().positive().optional(),
    /** A task is running in the slot (current builds). */
    is_processing: z.boolean().optional(),
    /** Older builds: 0 idle, 1 processing. */
    state: z.number().int().optional(),
  }),
);

/**
 * llama-server's loaded state: the one model it serves, its context per slot and, when `/slots`
 * is on, which slots are busy (a run sharing the server with other clients waits for a free one).
 * Loading happens when llama-server starts, so there is nothing to warm up.
 */
export async function inspectLlamaCppLoaded(params: { url: string; fetch?: typeof fetch; signal?: AbortSignal }): Promise<LoadedModelState> {
  const fetchImpl = params.fetch ?? globalThis.fetch;
  const notes: string[] = [];
  const get = async (path: string): Promise<{ status: number; body: unknown }> => {
    const response = await fetchImpl(`${params.url}${path}`, { signal: params.signal });
    const text = await response.text();
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
    return { status: response.status, body };
  };
  const propsAnswer = await get("/props");
  if (propsAnswer.status !== 200) throw new Error(`llama-server at ${params.url} answered /props with HTTP ${propsAnswer.status}`);
  const props = PropsSchema.safeParse(propsAnswer.body);
  const facts = props.success ? props.data : {};
  const perSlot = facts.default_generation_settings?.n_ctx ?? null;
  const name = facts.model_alias?.trim() || facts.model_path?.split(/[\\/]/).pop() || "unknown model";

  let slots: LoadedSlot[] | null = null;
  const slotsAnswer = await get("/slots");
  const parsedSlots = SlotsSchema.safeParse(slotsAnswer.body);
  if (slotsAnswer.status === 200 && parsedSlots.success) {
    slots = parsedSlots.data.map((slot) => ({ id: slot.id, contextLength: slot.n_ctx ?? perSlot, busy: slot.is_processing ?? slot.state === 1 }));
  } else {
    notes.push(`llama-server's /slots is off (HTTP ${slotsAnswer.status}); start it without --no-slots to see busy slots`);
  }
  const target = { name, contextLength: perSlot, sizeBytes: null, vramBytes: null, expiresAt: null };
  if (facts.total_slots && facts.total_slots > 1 && perSlot !== null) {
    notes.push(`${facts.total_slots} slots share the context: each request gets ${perSlot.toLocaleString("en-US")} tokens`);
  }
  return { backend: "llamacpp", host: params.url, loaded: [target], target, askedContext: perSlot, slots, loadError: null, notes };
}
