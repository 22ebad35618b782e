import { parseLenientJson } from "./parse-lenient-json.js";
import { scanJsonObjects } from "./scan-json-objects.js";

export interface JsonArgs {
  /** The arguments, or null when cut off or not a JSON object. */
  args: Record<string, unknown> | null;
  /** The text ended inside a string of the arguments. */
  truncated: boolean;
  /** `jsonrepair` was needed. */
  repaired: boolean;
  /** Why the arguments could not be read (not set when cut off). */
  problem?: string;
  /** How much of the text the arguments took (to the object's closing brace, or all of it). */
  consumed: number;
}

/**
 * The JSON object that starts a call's argument text (after a tag, a header or a name). No object
 * at all is an empty argument list (`<function=run_tests></function>`), unless `required` says
 * text was there that should have been one. A string left open is a cut-off reply: never closed
 * here, since closing it would invent a value.
 */
export function readJsonArgs(text: string, options: { required?: boolean } = {}): JsonArgs {
  const [object] = scanJsonObjects(text);
  if (!object || (options.required && text.slice(0, object.start).trim() !== "")) {
    const consumed = text.length;
    if (text.trim() === "" || !options.required) return { args: {}, truncated: false, repaired: false, consumed };
    return { args: null, truncated: false, repaired: false, consumed, problem: `the arguments must be one JSON object, but they are ${JSON.stringify(clip(text.trim()))}` };
  }
  const consumed = object.start + object.text.length;
  if (object.unterminatedString) return { args: null, truncated: true, repaired: false, consumed };
  const parsed = parseLenientJson(object.text);
  if (!parsed.ok) return { args: null, truncated: false, repaired: false, consumed, problem: `the arguments are not valid JSON (${parsed.detail})` };
  if (typeof parsed.value !== "object" || parsed.value === null || Array.isArray(parsed.value)) {
    return { args: null, truncated: false, repaired: false, consumed, problem: "the arguments are not a JSON object" };
  }
  return { args: parsed.value as Record<string, unknown>, truncated: false, repaired: parsed.repaired, consumed };
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
