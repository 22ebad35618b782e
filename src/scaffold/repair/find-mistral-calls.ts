import type { FoundCall } from "./found-call.js";
import { readJsonArgs } from "./read-json-args.js";

const FAMILY = "Mistral [TOOL_CALLS]";

/**
 * `[TOOL_CALLS]name{…}` (tokenizer v11), `[TOOL_CALLS]name[ARGS]{…}` (v13, Devstral; optionally
 * with `[CALL_ID]id`), and `name[ARGS]{…}` once a server has consumed the marker. The v3 form,
 * `[TOOL_CALLS] [{"name": …, "arguments": …}]`, is plain JSON and left to the JSON reader.
 */
const CALL = /(\[TOOL_CALLS\]\s*)?([A-Za-z_][\w.-]*)\s*(?:\[CALL_ID\]\s*[\w-]*\s*)?(\[ARGS\])?\s*(?=\{)/g;

/**
 * Mistral-family calls whose name stands outside the JSON arguments. A name followed by `{` only
 * counts after the `[TOOL_CALLS]` marker or with `[ARGS]`: `function f() {` in prose is not a call.
 * Each call's arguments are the one JSON object that follows, so parallel calls
 * (`…}[TOOL_CALLS]b[ARGS]{…}`) and trailing prose are read correctly.
 */
export function findMistralCalls(text: string): FoundCall[] {
  const calls: FoundCall[] = [];
  for (const match of text.matchAll(CALL)) {
    const [, marker, name, argsMarker] = match;
    if (!name || (marker === undefined && argsMarker === undefined)) continue;
    const bodyStart = match.index + match[0].length;
    const { consumed, ...args } = readJsonArgs(text.slice(bodyStart), { required: true });
    calls.push({ name, start: match.index, end: bodyStart + consumed, family: FAMILY, ...args });
  }
  return calls;
}
