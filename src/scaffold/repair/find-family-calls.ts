import type { CallFinder, FoundCall } from "./found-call.js";
import { findGemmaCalls } from "./find-gemma-calls.js";
import { findHarmonyCalls } from "./find-harmony-calls.js";
import { findMistralCalls } from "./find-mistral-calls.js";
import { findTaggedCalls } from "./find-tagged-calls.js";
import { findToolElementCalls } from "./find-tool-element-calls.js";
import { findXmlWrapperCalls } from "./find-xml-wrapper-calls.js";

/** Every call syntax the repair layer reads besides JSON and Python calls, one finder per family. */
const FINDERS: readonly CallFinder[] = [findTaggedCalls, findHarmonyCalls, findMistralCalls, findGemmaCalls, findXmlWrapperCalls, findToolElementCalls];

/**
 * The calls all finders see in `text`, in order of position. Where two finders read the same text
 * (a `<read_file>` element inside a `<toolcall>` wrapper, `list_files{` after `<call>`), the call
 * that starts first, and so encloses the other, is kept.
 */
export function findFamilyCalls(text: string): FoundCall[] {
  const all = FINDERS.flatMap((find) => find(text)).sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: FoundCall[] = [];
  for (const call of all) {
    if (kept.some((other) => call.start < other.end && other.start < call.end)) continue;
    kept.push(call);
  }
  return kept;
}
