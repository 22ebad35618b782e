/** SentencePiece's word-boundary mark, which a detokenizer should have turned into a space. */
const METASPACE = "▁";
/** Byte-level BPE (GPT-2, Mistral tekken): Ġ is a space, Ċ a newline, ĉ a tab. */
const BYTE_LEVEL: Record<string, string> = { "Ġ": " ", "Ċ": "\n", "ĉ": "\t" };

// The marks stand where JSON puts spaces: after `:`, `,`, `[`, `{` or a marker, before a quote or bracket.
const STRUCTURAL = /(?:[:,[{\]]|\[TOOL_CALLS\])\s*[▁Ġ]|[▁Ġ]\s*["{[]/;

/**
 * Replaces the raw tokenizer marks some servers leave in the text (mistral-common#43: `▁[{"name":▁…`;
 * mlx-lm#1041, tekken: `Hello!ĠHow…`) with the characters they encode. Only when a mark stands in a
 * structural position of a call: a reply that merely contains a ▁ in a string is left alone. Every
 * mark is then decoded, inside strings too, because the whole reply went through the same broken
 * detokenizer.
 */
export function normalizeMetaspaces(text: string): { text: string; changed: boolean; family: string | null } {
  if (!STRUCTURAL.test(text)) return { text, changed: false, family: null };
  const byteLevel = /[:,]\s*Ġ|Ġ"/.test(text);
  const decoded = byteLevel ? text.replace(/[ĠĊĉ]/g, (mark) => BYTE_LEVEL[mark] ?? mark) : text.replaceAll(METASPACE, " ");
  return { text: decoded, changed: decoded !== text, family: byteLevel ? "byte-level BPE marks (Ġ)" : "SentencePiece ▁ meta-spaces" };
}
