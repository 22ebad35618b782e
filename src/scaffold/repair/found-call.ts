/**
 * A call found in a reply's text by one of the call-syntax finders (one file per family: XML
 * `<function=…>`, gpt-oss Harmony, Mistral `[TOOL_CALLS]`, Gemma 4 `call:`, XML wrappers and
 * tool-named elements). Every finder has the same shape, `(text) => FoundCall[]`, so the parser
 * ranks and validates their results alike.
 */
export interface FoundCall {
  /** The tool name as written (namespace prefixes like `functions.` already removed where the syntax has them). */
  name: string;
  /** The arguments: an object, or null when they were cut off (`truncated`) or cannot be read (`problem`). */
  args: Record<string, unknown> | null;
  /** Where the call starts and ends in the text (calls are ranked by position; JSON inside is data). */
  start: number;
  end: number;
  /** The call was cut off inside its arguments: it must not run. */
  truncated: boolean;
  /** The syntax deviated from the family's canonical form and was fixed (reported as `repaired_json`). */
  repaired: boolean;
  /** Elements or attributes were mapped onto `tool`/`args` (reported as `mapped_alias`). */
  mapped?: boolean;
  /** The family, for the turn's note and for error messages: "gpt-oss Harmony", "Gemma 4 call syntax", … */
  family: string;
  /** Why `args` is null although the call was not cut off: shown to the model in the re-ask. */
  problem?: string;
}

/** What every call-syntax finder is. */
export type CallFinder = (text: string) => FoundCall[];
