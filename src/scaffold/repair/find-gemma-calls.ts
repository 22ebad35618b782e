import { TOOL_NAMES } from "../../protocol/tool-schemas.js";
import type { FoundCall } from "./found-call.js";
import { GEMMA_QUOTE, readGemmaArgs } from "./read-gemma-args.js";

const FAMILY = "Gemma 4 call syntax";

/**
 * A call head: `<|tool_call>call:name{`, also with a stray colon (`<|tool_call>:call:`), a bare
 * `call:name{` (the open token dropped, e.g. glued to `<channel|>`), the fragmented `<call>name{`,
 * and the drifted `call:name(`. Names may carry a namespace (`fs.read_file`, `ns:create`).
 */
const HEAD = /(<\|tool_call>\s*(:)?\s*)?(?:(?<![\w.-])call:|<call>)([A-Za-z_][\w.:-]*?)\s*([{(])/g;
/**
 * The body of a call whose whole `<|tool_call>call:` was forgotten (tensai#217): a tool's exact
 * name directly before `{` that starts Gemma syntax (`<|"|>` or an unquoted `key:`).
 */
const MARKERLESS = /(?<![\w.:<-])([a-z_]+)\{(?=\s*(?:<\|"\|>|[A-Za-z_]\w*\s*[:=]))/g;
/** Where a call ends: its close token, `<turn|>` (seen instead of it), or the next call. */
const CALL_END = /<tool_call\|>|<turn\|>|<\|tool_call>|<\|tool_response>/;

/**
 * Gemma 4's native calls in the text: `<|tool_call>call:NAME{key:<|"|>value<|"|>}<tool_call|>`,
 * with or without the wrappers, and the argument drifts `readGemmaArgs` reads. The canonical form
 * (both wrappers, `:` after the open token only as `call:`, canonical arguments) is the only one not
 * reported as repaired.
 */
export function findGemmaCalls(text: string): FoundCall[] {
  const calls: FoundCall[] = [];
  for (const head of text.matchAll(HEAD)) {
    const [, open, strayColon, name, bracket] = head;
    if (!name || !bracket) continue;
    const call = readCall({ text, start: head.index, bodyStart: head.index + head[0].length, name, close: bracket === "(" ? ")" : "}" });
    const canonical = open !== undefined && strayColon === undefined && bracket === "{" && call.closedBy === "<tool_call|>";
    calls.push({ ...call.found, repaired: call.found.repaired || !canonical });
  }
  for (const match of text.matchAll(MARKERLESS)) {
    const name = match[1] ?? "";
    if (!(TOOL_NAMES as readonly string[]).includes(name)) continue;
    const call = readCall({ text, start: match.index, bodyStart: match.index + match[0].length, name, close: "}" });
    calls.push({ ...call.found, repaired: true });
  }
  return calls;
}

function readCall(params: { text: string; start: number; bodyStart: number; name: string; close: "}" | ")" }): { found: FoundCall; closedBy: string | null } {
  const { text, bodyStart } = params;
  const endAt = text.slice(bodyStart).search(CALL_END);
  const region = endAt < 0 ? text.slice(bodyStart) : text.slice(bodyStart, bodyStart + endAt);
  const { consumed, ...args } = readGemmaArgs(region, params.close);
  const marker = endAt < 0 ? null : (CALL_END.exec(text.slice(bodyStart + endAt))?.[0] ?? null);
  // A string still open before a close token lost its closing delimiter: reported, not guessed.
  const truncated = args.truncated && marker === null;
  const problem = args.truncated && marker !== null ? `a ${GEMMA_QUOTE} string is not closed before ${marker}` : args.problem;
  const onlyClosing = region.slice(consumed).trim() === "";
  const end = marker !== null && onlyClosing ? bodyStart + endAt + marker.length : bodyStart + consumed;
  return {
    found: { name: params.name, start: params.start, end, family: FAMILY, args: truncated || problem !== undefined ? null : args.args, truncated, repaired: args.repaired, problem },
    closedBy: onlyClosing ? marker : null,
  };
}
