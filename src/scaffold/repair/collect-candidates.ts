import { TOOL_NAMES, type ToolName } from "../../protocol/tool-schemas.js";
import type { Intervention } from "../../protocol/turn-record.js";
import { findFamilyCalls } from "./find-family-calls.js";
import { parseLenientJson } from "./parse-lenient-json.js";
import { parsePythonCalls } from "./parse-python-calls.js";
import type { ReplyInput } from "./parsed-reply.js";
import { invalidJsonError, truncatedError, unclosedStringError } from "./reply-errors.js";
import { scanJsonObjects, type JsonCandidate } from "./scan-json-objects.js";
import { splitThinking } from "./split-thinking.js";
import type { ReplyError } from "./validate-call.js";

export interface Candidate {
  /** The call-shaped value to normalize (unused when `problem` is set). */
  value: unknown;
  /** 0: outside `<think>`; 1: inside, used only when nothing outside names a tool. */
  part: 0 | 1;
  /** 0 native, 1 a call syntax (XML, Harmony, Mistral, Gemma, …), 2 fenced JSON, 3 bare JSON, 4 Python-call syntax. */
  rank: number;
  start: number;
  interventions: Intervention[];
  /** What was repaired, in words ("gpt-oss Harmony", …), for the turn's note. */
  family?: string;
  /** The call syntax and tool name as written, when not JSON: named in the error message. */
  found?: { family: string; name: string };
  /** The candidate cannot be used: cut off, or not parseable without changing its text. */
  problem?: { error: ReplyError; severity: number };
}

const FENCE = /(`{3,}|~{3,})[ \t]*([\w+-]*)[^\n`]*\n([\s\S]*?)(?:\n[ \t]*\1[ \t]*(?=\n|$)|$)/g;
const CALL_WRAPPERS = /<\/?tool_call>|<\|tool_call_start\|>|<\|tool_call_end\|>|<\|python_tag\|>|<\|eom_id\|>|<\|eot_id\|>|<\/?function_calls>|\[TOOL_CALLS\]/g;
/** Chat-template quote tokens leaked into JSON (`"pattern": <|">x<|">`, Kimi-family models). */
const TEMPLATE_QUOTE = /<\|"\|?>/g;

type Fence = { start: number; end: number; bodyStart: number; bodyEnd: number; lang: string; body: string };

/**
 * Every reading of a reply as a call, ranked: native calls, call syntaxes, fenced JSON, bare JSON
 * objects anywhere in the prose, Python-call syntax; all outside `<think>` before any inside it.
 */
export function collectCandidates(reply: ReplyInput, content: string, tools: readonly ToolName[]): Candidate[] {
  const out: Candidate[] = [];
  (reply.toolCalls ?? []).forEach((call, i) => {
    out.push({ value: { tool: call.function.name, args: call.function.arguments }, part: 0, rank: 0, start: i, interventions: [] });
  });
  // A call drafted inside <think> is a fallback: the model may have reconsidered it.
  const { outside, inside, hadThinking } = splitThinking(content);
  // Reasoning removed from around a call counts as prose the call was extracted from.
  const cutOff = cutOffProblem(reply, tools);
  out.push(...textCandidates(outside, 0, hadThinking, tools, cutOff));
  out.push(...textCandidates(inside, 1, true, tools, cutOff));
  return out.sort((a, b) => a.part - b.part || a.rank - b.rank || a.start - b.start);
}

/** What a string left open means: the token limit (or unknown), or a missing quote when the model stopped by itself. */
function cutOffProblem(reply: ReplyInput, tools: readonly ToolName[]): { error: ReplyError; severity: number } {
  return reply.doneReason === "stop" ? { error: unclosedStringError(tools), severity: 2 } : { error: truncatedError(tools), severity: 5 };
}

function textCandidates(text: string, part: 0 | 1, inProse: boolean, tools: readonly ToolName[], cutOff: NonNullable<Candidate["problem"]>): Candidate[] {
  if (text.trim() === "") return [];
  const base: Intervention[] = inProse ? ["extracted_from_prose"] : [];
  const fences = [...text.matchAll(FENCE)].map((match): Fence => {
    const bodyStart = match.index + match[0].indexOf("\n") + 1;
    const body = match[3] ?? "";
    return { start: match.index, end: match.index + match[0].length, bodyStart, bodyEnd: bodyStart + body.length, lang: (match[2] ?? "").toLowerCase(), body };
  });
  const objects = scanJsonObjects(text);
  const family = familyCandidates(text, part, objects, fences, tools, cutOff);
  return [...family.candidates, ...jsonCandidates({ text, part, base, fences, found: objects, familySpans: family.spans, tools, cutOff }), ...pythonCandidates(text, part, base, fences, tools)];
}

function familyCandidates(
  text: string,
  part: 0 | 1,
  objects: JsonCandidate[],
  fences: Fence[],
  tools: readonly ToolName[],
  cutOff: NonNullable<Candidate["problem"]>,
): { candidates: Candidate[]; spans: [number, number][] } {
  // `<` never appears between JSON tokens: a tag inside a complete object is string content
  // (a file that mentions `<function=…>`), not a call.
  const inObject = (at: number) => objects.some((o) => !o.unclosed && at > o.start && at < o.start + o.text.length);
  const calls = findFamilyCalls(text).filter((call) => !inObject(call.start));
  const candidates = calls.map((call): Candidate => {
    const problem = call.truncated
      ? cutOff
      : call.args === null
        ? { error: invalidJsonError(call.problem ?? "the arguments after the tool name are not a JSON object", tools), severity: 1 }
        : undefined;
    const fenced = fences.some((f) => call.start >= f.bodyStart && call.start < f.bodyEnd);
    const interventions = merge(fenced ? ["stripped_fence"] : [], ["extracted_from_prose"], call.repaired ? ["repaired_json"] : [], call.mapped ? ["mapped_alias"] : []);
    return { value: { tool: call.name, args: call.args }, part, rank: 1, start: call.start, interventions, problem, family: call.family, found: { family: call.family, name: call.name } };
  });
  return { candidates, spans: calls.map((call) => [call.start, call.end]) };
}

function jsonCandidates(params: {
  text: string;
  part: 0 | 1;
  base: Intervention[];
  fences: Fence[];
  found: JsonCandidate[];
  familySpans: [number, number][];
  tools: readonly ToolName[];
  cutOff: NonNullable<Candidate["problem"]>;
}): Candidate[] {
  const { text, part, base, fences, found, familySpans, tools } = params;
  const out: Candidate[] = [];
  let objects = found;
  // gpt-oss and others sometimes escape the whole call once more: {\"tool\": \"read_file\", …}.
  const overEscaped = objects.length === 0 && /\{\s*\\"/.test(text);
  const scanned = overEscaped ? unescapeOnce(text) : text;
  if (overEscaped) objects = scanJsonObjects(scanned);
  for (const object of objects) {
    // JSON inside a call's arguments is data, not another call.
    if (familySpans.some(([start, end]) => object.start >= start && object.start < end)) continue;
    const fence = overEscaped ? undefined : fences.find((f) => object.start >= f.bodyStart && object.start < f.bodyEnd);
    const around = fence ? text.slice(0, fence.start) + text.slice(fence.end) : scanned.slice(0, object.start) + scanned.slice(object.start + object.text.length);
    const prose = around.trim() !== "" || (fence !== undefined && fence.body.trim() !== object.text.trim());
    const interventions = merge(base, fence ? ["stripped_fence"] : [], prose ? ["extracted_from_prose"] : []);
    const at = { part, rank: fence ? 2 : 3, start: object.start };
    if (object.unterminatedString) {
      out.push({ ...at, value: null, interventions, problem: params.cutOff });
      continue;
    }
    const unquoted = object.text.replace(TEMPLATE_QUOTE, '"');
    const parsed = parseLenientJson(unquoted);
    if (!parsed.ok) {
      const changed = parsed.reason === "changed_content";
      const error = invalidJsonError(changed ? `it can only be read by changing a string's text: ${parsed.detail}` : parsed.detail, tools);
      out.push({ ...at, value: null, interventions, problem: { error, severity: changed ? 2 : 1 } });
      continue;
    }
    const repaired = parsed.repaired || overEscaped || unquoted !== object.text ? merge(interventions, ["repaired_json"]) : interventions;
    // Mistral's v3 form, `[TOOL_CALLS] [{"name": …}]`, is JSON after the marker: named for the turn's note.
    const family = unquoted !== object.text ? "leaked <|\"|> quote tokens" : scanned.slice(0, object.start).includes("[TOOL_CALLS]") ? "Mistral [TOOL_CALLS]" : undefined;
    const leaked = family ? { family } : {};
    for (const value of unwrapCallList(parsed.value)) out.push({ ...at, value, interventions: repaired, ...leaked });
  }
  return out;
}

/** Python-call syntax, from the whole reply (minus call-marker tokens) or from a code fence. */
function pythonCandidates(text: string, part: 0 | 1, base: Intervention[], fences: Fence[], tools: readonly ToolName[]): Candidate[] {
  // Only exact tool names: `open(…)` or `list(…)` in a code block are Python, not our aliases.
  const isToolName = (name: string) => (TOOL_NAMES as readonly string[]).includes(name.replace(/^(?:functions|tools|default_api)\./, ""));
  const unwrapped = text.replace(CALL_WRAPPERS, "");
  const sources = [
    { body: unwrapped, start: 0, interventions: merge(base, ["extracted_from_prose"]) },
    ...fences
      .filter((f) => ["", "tool_code", "python", "py", "tool_call"].includes(f.lang))
      .map((f) => ({ body: f.body, start: f.start, interventions: merge(base, ["stripped_fence", "extracted_from_prose"]) })),
  ];
  const out: Candidate[] = [];
  for (const source of sources) {
    const python = parsePythonCalls(source.body, isToolName);
    if (!python) continue;
    if (python.truncated) {
      out.push({ value: null, part, rank: 4, start: source.start, interventions: source.interventions, problem: { error: truncatedError(tools), severity: 5 } });
      continue;
    }
    python.calls.forEach((call, i) => {
      out.push({ value: { tool: call.name, args: call.args }, part, rank: 4, start: source.start + i / 1000, interventions: source.interventions });
    });
  }
  return out;
}

/** Undoes one level of JSON string escaping (`\\"` → `"`, `\\\\` → `\\`), keeping positions close enough for ranking. */
function unescapeOnce(text: string): string {
  return text.replace(/\\(["\\])/g, "$1");
}

/** xLAM-style `{"tool_calls": [...]}` holds several calls; anything else is one candidate. */
function unwrapCallList(value: unknown): unknown[] {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const list = (value as Record<string, unknown>).tool_calls;
    if (Array.isArray(list) && list.length > 0) return list;
  }
  return [value];
}

export function merge(...lists: Intervention[][]): Intervention[] {
  return [...new Set(lists.flat())];
}
