/**
 * The quantization in a GGUF file or alias name, upper-cased (`Q4_K_M`, `IQ3_XXS`, `Q8_0`,
 * `F16`, `BF16`), or null. llama-server reports no quantization of its own (`/props` has the
 * path, not the file type), and by convention GGUF file names end in it:
 * `Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf`, `qwen2.5-coder-7b-instruct-q5_k_m.gguf`,
 * `model-UD-Q4_K_XL-00001-of-00002.gguf`.
 */
export function quantizationFromName(name: string | null | undefined): string | null {
  if (!name) return null;
  const base = name.split(/[\\/]/).pop() ?? name;
  const match = QUANT.exec(base);
  return match?.[1]?.toUpperCase() ?? null;
}

// A quant tag stands between separators: Q/IQ/TQ + digit + optional _SUFFIX parts, or a float type.
const QUANT = /(?:^|[-_.])((?:I?Q|TQ)\d(?:_[0-9A-Z]{1,4})*|B?F16|F32|MXFP4)(?=[-_.]|$)/i;
