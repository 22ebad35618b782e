import { gguf, GGMLFileQuantizationType } from "@huggingface/gguf";
import type { WeightSpec } from "./lock-schema.js";

/** What a GGUF header says about the model, as far as the set-up checks it. */
export interface GgufFacts {
  architecture: string | null;
  name: string | null;
  /** `general.file_type` as llama.cpp names it (`Q4_K_M`). */
  quantization: string | null;
  contextLength: number | null;
  /** Length of `tokenizer.chat_template`, 0 when there is none. */
  chatTemplateChars: number;
}

/** Reads the header of a local GGUF file (the GGUF magic is checked by the parser). */
export async function readGgufFacts(file: string): Promise<GgufFacts> {
  const { metadata } = await gguf(file, { allowLocalFile: true });
  const record = metadata as Record<string, unknown>;
  const architecture = typeof record["general.architecture"] === "string" ? record["general.architecture"] : null;
  const fileType = record["general.file_type"];
  const context = architecture ? record[`${architecture}.context_length`] : undefined;
  const template = record["tokenizer.chat_template"];
  return {
    architecture,
    name: typeof record["general.name"] === "string" ? record["general.name"] : null,
    quantization: typeof fileType === "number" ? (GGMLFileQuantizationType[fileType] ?? `file_type ${fileType}`) : null,
    contextLength: typeof context === "number" ? context : typeof context === "bigint" ? Number(context) : null,
    chatTemplateChars: typeof template === "string" ? template.length : 0,
  };
}

/** Every way the header disagrees with the lock; empty when the file is what the lock says. */
export function checkGgufFacts(facts: GgufFacts, weight: WeightSpec): string[] {
  const problems: string[] = [];
  if (facts.architecture !== weight.architecture) problems.push(`architecture is ${facts.architecture ?? "missing"}, expected ${weight.architecture}`);
  if (facts.quantization !== weight.quantization) problems.push(`quantization is ${facts.quantization ?? "missing"}, expected ${weight.quantization}`);
  if (facts.contextLength !== weight.contextLength) problems.push(`context length is ${facts.contextLength ?? "missing"}, expected ${weight.contextLength}`);
  if (weight.chatTemplate === "embedded" && facts.chatTemplateChars === 0) problems.push("it has no tokenizer.chat_template, and the lock says it embeds one");
  return problems;
}
