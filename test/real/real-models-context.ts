import { inject } from "vitest";

/** One real model as the tests see it: served by the shared Ollama and by its own llama-server. */
export interface RealModel {
  /** The lock's id, e.g. `smollm2-135m`. */
  id: string;
  /** Its Ollama tag. */
  ollamaTag: string;
  /** Its llama-server's base URL. */
  llamaServerUrl: string | null;
  /** What the GGUF header says (checked at install). */
  quantization: string;
  contextLength: number;
  file: string;
}

export interface RealModels {
  /** Why the real-model tests are skipped, or null when they run. */
  skip: string | null;
  ollamaUrl: string;
  /** The Ollama version the set-up built. */
  ollamaVersion?: string;
  models: RealModel[];
}

/** The servers global-setup.ts provided. */
export function realModels(): RealModels {
  return inject("realModels");
}

/** Every model spec a user could pass, with what it is: one per Ollama tag, one per llama-server. */
export function realSpecs(real: RealModels): { spec: string; backend: "ollama" | "llamacpp"; model: RealModel }[] {
  return [
    ...real.models.map((model) => ({ spec: `ollama:${model.ollamaTag}`, backend: "ollama" as const, model })),
    ...real.models.flatMap((model) => (model.llamaServerUrl ? [{ spec: `llamacpp:${model.llamaServerUrl}`, backend: "llamacpp" as const, model }] : [])),
  ];
}
