/**
 * What a model server has actually loaded, as opposed to what a request asks for: Ollama's
 * `/api/ps`, llama-server's `/props` and `/slots`. The preflight and the dashboard compare it with
 * the context a run will ask for.
 */

export interface LoadedModel {
  /** The model's name as the server reports it. */
  name: string;
  /** Context the server allocated for it, in tokens per request or slot, when it says. */
  contextLength: number | null;
  /** Memory the loaded model takes (weights and KV cache), in bytes, when reported. */
  sizeBytes: number | null;
  /** Of that, bytes in GPU memory; less than `sizeBytes` means part of it runs on the CPU. */
  vramBytes: number | null;
  /** When the server will unload it (ISO 8601), when reported. */
  expiresAt: string | null;
}

export interface LoadedSlot {
  /** Slot number. */
  id: number;
  /** Context of this slot, in tokens. */
  contextLength: number | null;
  /** A request is being processed in it now. */
  busy: boolean;
}

export interface LoadedModelState {
  /** `ollama` or `llamacpp`. */
  backend: string;
  /** The server's base URL, as configured. */
  host: string;
  /** Every model the server holds in memory now. */
  loaded: LoadedModel[];
  /** The model this backend uses, when it is loaded. */
  target: LoadedModel | null;
  /** The context this backend asks for on every call (`num_ctx`), when known. */
  askedContext: number | null;
  /** llama-server's slots, when its `/slots` endpoint answers; null otherwise. */
  slots: LoadedSlot[] | null;
  /** Why loading the model with the asked context failed (warm-up), or null. */
  loadError: string | null;
  /** Gaps in what could be read (an endpoint switched off, an old server). */
  notes: string[];
}

/** Reads the loaded state; with `warmUp`, first loads the model the way a run will use it. */
export type InspectLoaded = (params: { warmUp: boolean; signal?: AbortSignal }) => Promise<LoadedModelState>;
