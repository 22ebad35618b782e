import { TOOL_NAMES, type ToolCall, type ToolName } from "../../agent/tool-schemas.js";
import type { NativeToolCall } from "../../model/types.js";
import type { Intervention } from "../../report/report-schema.js";
import { exampleCall } from "../example-call.js";
import { findTaggedCalls } from "./find-tagged-calls.js";
import { normalizeCallShape, type NormalizedShape } from "./normalize-call-shape.js";
import { parseLenientJson } from "./parse-lenient-json.js";
import { parsePythonCalls } from "./parse-python-calls.js";
import { scanJsonObjects, type JsonCandidate } from "./scan-json-objects.js";
import { stripContentFence } from "./strip-content-fence.js";
import { validateCall, type ReplyError } from "./validate-call.js";

export interface ReplyInput {
  content: string;
  toolCalls?: NativeToolCall[];
  doneReason?: string;
}

export type ParsedReply =
  | { ok: true; call: ToolCall; rawValid: boolean; interventions: Intervention[]; notes: string[] }
  | { ok: false; error: ReplyError; rawValid: false; interventions: Intervention[]; notes: string[] };

/**
 * Turns a raw model reply into one tool call.
 *
 * Strict first: native `tool_calls`, or the whole content as JSON, validated with no change. That
 * is the `raw_valid` measure, the same whether repair is on or off. With `repair` off nothing
 * else runs. With it on, a strict-valid call only loses an outer fence around file content;
 * otherwise candidates are collected and ranked: native calls, tagged calls (`<function=…>`,
 * DeepSeek), fenced JSON, bare JSON objects anywhere in the prose (Hermes `<tool_call>` included),
 * Python-call syntax; all outside `<think>` before any inside it. The first candidate naming
 * one of the task's tools is the call: it is validated after `normalizeCallShape`, and its error
 * is reported if it is invalid (a later, valid call is not run in its place). Other calls are
 * dropped with a note to the model. Nothing cut off is ever repaired: `done_reason: "length"`
 * or an unterminated string gives the `truncated` error.
 */
export function parseToolReply(params: { reply: ReplyInput; tools: readonly ToolName[]; repair: boolean }): ParsedReply {
  const { reply, tools } = params;
  const strict = parseStrict(reply, tools);
  if (!params.repair) return strict;
  if (strict.ok) return finish(strict.call, true, [], []);
  const native = reply.toolCalls ?? [];
  if (reply.content.trim() === "" && native.length === 0) return strict;
  if (reply.doneReason === "length" && native.length === 0) return failure(truncatedError(tools));

  const candidates = collectCandidates(reply, tools);
  // The most telling error among unusable candidates: cut off > unknown tool > bad JSON > no tool field.
  const errors: { error: ReplyError; severity: number; interventions: Intervention[] }[] = [];
  const remember = (error: ReplyError, severity: number, interventions: Intervention[]) => errors.push({ error, severity, interventions });
  let chosen: { candidate: Candidate; shape: NormalizedShape } | null = null;
  for (const candidate of candidates) {
    if (candidate.problem) {
      remember(candidate.problem.error, candidate.problem.severity, candidate.interventions);
      continue;
    }
    const shape = normalizeCallShape(candidate.value, tools);
    if (!shape) {
      const invalid = validateCall(candidate.value, tools);
      if (!invalid.ok) remember(invalid.error, 0, candidate.interventions);
      continue;
    }
    if (shape.error || (tools as readonly string[]).includes(shape.value.tool)) {
      chosen = { candidate, shape };
      break;
    }
    const invalid = validateCall(shape.value, tools);
    if (!invalid.ok) remember(invalid.error, 3, merge(candidate.interventions, shape.interventions));
  }

  if (!chosen) {
    const reported = errors.reduce<(typeof errors)[number] | null>((top, e) => (top && top.severity >= e.severity ? top : e), null) ?? { error: strict.error, interventions: [] };
    return { ok: false, error: reported.error, rawValid: false, interventions: order(reported.interventions), notes: [] };
  }
  const { candidate, shape } = chosen;
  const interventions = merge(candidate.interventions, shape.interventions);
  const validated = shape.error ? { ok: false as const, error: shape.error } : validateCall(shape.value, tools);
  if (!validated.ok) return { ok: false, error: validated.error, rawValid: false, interventions: order(interventions), notes: [] };

  const notes = [...shape.notes];
  const extra = candidates.filter((other) => other !== candidate && other.part === candidate.part && namesTool(other, tools)).length;
  if (extra > 0) {
    notes.push(`only one tool call per reply is run; ${extra} more ${extra === 1 ? "was" : "were"} dropped, send ${extra === 1 ? "it" : "them"} in later replies`);
    interventions.push("extracted_from_prose");
  }
  return finish(validated.call, false, interventions, notes);
}

interface Candidate {
  /** The call-shaped value to normalize (unused when `problem` is set). */
  value: unknown;
  /** 0: outside `<think>`; 1: inside, used only when nothing outside names a tool. */
  part: 0 | 1;
  /** 0 native, 1 tagged, 2 fenced JSON, 3 bare JSON, 4 Python-call syntax. */
  rank: number;
  start: number;
  interventions: Intervention[];
  /** The candidate cannot be used: cut off, or not parseable without changing its text. */
  problem?: { error: ReplyError; severity: number };
}

const FENCE = /(`{3,}|~{3,})[ \t]*([\w+-]*)[^\n`]*\n([\s\S]*?)(?:\n[ \t]*\1[ \t]*(?=\n|$)|$)/g;
const CALL_WRAPPERS = /<\/?tool_call>|<\|tool_call_start\|>|<\|tool_call_end\|>|<\|python_tag\|>|<\|eom_id\|>|<\|eot_id\|>|<\/?function_calls>|\[TOOL_CALLS\]/g;

function collectCandidates(reply: ReplyInput, tools: readonly ToolName[]): Candidate[] {
  const out: Candidate[] = [];
  (reply.toolCalls ?? []).forEach((call, i) => {
    out.push({ value: { tool: call.function.name, args: call.function.arguments }, part: 0, rank: 0, start: i, interventions: [] });
  });
  // A call drafted inside <think> is a fallback: the model may have reconsidered it.
  const { outside, inside, hadThinking } = splitThinking(reply.content);
  // Reasoning removed from around a call counts as prose the call was extracted from.
  out.push(...textCandidates(outside, 0, hadThinking, tools));
  out.push(...textCandidates(inside, 1, true, tools));
  return out.sort((a, b) => a.part - b.part || a.rank - b.rank || a.start - b.start);
}

function textCandidates(text: string, part: 0 | 1, inProse: boolean, tools: readonly ToolName[]): Candidate[] {
  if (text.trim() === "") return [];
  const base: Intervention[] = inProse ? ["extracted_from_prose"] : [];
  const fences = [...text.matchAll(FENCE)].map((match) => {
    const bodyStart = match.index + match[0].indexOf("\n") + 1;
    const body = match[3] ?? "";
    return { start: match.index, end: match.index + match[0].length, bodyStart, bodyEnd: bodyStart + body.length, lang: (match[2] ?? "").toLowerCase(), body };
  });
  const objects = scanJsonObjects(text);
  const tagged = taggedCandidates(text, part, objects, tools);
  return [...tagged.candidates, ...jsonCandidates(text, part, base, fences, objects, tagged.spans, tools), ...pythonCandidates(text, part, base, fences, tools)];
}

type Fence = { start: number; end: number; bodyStart: number; bodyEnd: number; lang: string; body: string };

function taggedCandidates(text: string, part: 0 | 1, objects: JsonCandidate[], tools: readonly ToolName[]): { candidates: Candidate[]; spans: [number, number][] } {
  // `<` never appears between JSON tokens: a tag inside a complete object is string content
  // (a file that mentions `<function=…>`), not a call.
  const inObject = (at: number) => objects.some((o) => !o.unclosed && at > o.start && at < o.start + o.text.length);
  const calls = findTaggedCalls(text).filter((call) => !inObject(call.start));
  const candidates = calls.map((call): Candidate => {
    const problem = call.truncated
      ? { error: truncatedError(tools), severity: 5 }
      : call.args === null
        ? { error: invalidJsonError("the arguments after the tool name are not a JSON object", tools), severity: 1 }
        : undefined;
    const interventions = merge(["extracted_from_prose"], call.repaired ? ["repaired_json"] : []);
    return { value: { tool: call.name, args: call.args }, part, rank: 1, start: call.start, interventions, problem };
  });
  return { candidates, spans: calls.map((call) => [call.start, call.end]) };
}

function jsonCandidates(
  text: string,
  part: 0 | 1,
  base: Intervention[],
  fences: Fence[],
  found: JsonCandidate[],
  taggedSpans: [number, number][],
  tools: readonly ToolName[],
): Candidate[] {
  const out: Candidate[] = [];
  let objects = found;
  // gpt-oss and others sometimes escape the whole call once more: {\"tool\": \"read_file\", …}.
  const overEscaped = objects.length === 0 && /\{\s*\\"/.test(text);
  const scanned = overEscaped ? unescapeOnce(text) : text;
  if (overEscaped) objects = scanJsonObjects(scanned);
  for (const object of objects) {
    // JSON inside a tagged call's arguments is data, not another call.
    if (taggedSpans.some(([start, end]) => object.start >= start && object.start < end)) continue;
    const fence = overEscaped ? undefined : fences.find((f) => object.start >= f.bodyStart && object.start < f.bodyEnd);
    const around = fence ? text.slice(0, fence.start) + text.slice(fence.end) : scanned.slice(0, object.start) + scanned.slice(object.start + object.text.length);
    const prose = around.trim() !== "" || (fence !== undefined && fence.body.trim() !== object.text.trim());
    const interventions = merge(base, fence ? ["stripped_fence"] : [], prose ? ["extracted_from_prose"] : []);
    const at = { part, rank: fence ? 2 : 3, start: object.start };
    if (object.unterminatedString) {
      out.push({ ...at, value: null, interventions, problem: { error: truncatedError(tools), severity: 5 } });
      continue;
    }
    const parsed = parseLenientJson(object.text);
    if (!parsed.ok) {
      const changed = parsed.reason === "changed_content";
      const error = invalidJsonError(changed ? `it can only be read by changing a string's text: ${parsed.detail}` : parsed.detail, tools);
      out.push({ ...at, value: null, interventions, problem: { error, severity: changed ? 2 : 1 } });
      continue;
    }
    const repaired = parsed.repaired || overEscaped ? merge(interventions, ["repaired_json"]) : interventions;
    for (const value of unwrapCallList(parsed.value)) out.push({ ...at, value, interventions: repaired });
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

function namesTool(candidate: Candidate, tools: readonly ToolName[]): boolean {
  if (candidate.problem) return false;
  const shape = normalizeCallShape(candidate.value, tools);
  return shape !== null && (shape.error !== undefined || (tools as readonly string[]).includes(shape.value.tool));
}

/** Strips an outer fence from file content (even of a strict-valid call) and assembles the result. */
function finish(call: ToolCall, rawValid: boolean, interventions: Intervention[], notes: string[]): ParsedReply {
  const stripped = stripContentFence(call);
  if (stripped.note === null) return { ok: true, call, rawValid, interventions: order(interventions), notes };
  return { ok: true, call: stripped.call, rawValid, interventions: order(merge(interventions, ["stripped_fence"])), notes: [...notes, stripped.note] };
}

function parseStrict(reply: ReplyInput, tools: readonly ToolName[]): ParsedReply {
  const native = reply.toolCalls ?? [];
  if (native.length > 1) {
    return failure({
      code: "multiple",
      tool: null,
      message: `Send exactly one tool call per reply; you sent ${native.length} (${native.map((call) => call.function.name).join(", ")}). Send the first one now and the others in later replies. Example: ${exampleCall(fallbackTool(tools))}`,
    });
  }
  const first = native[0];
  if (first) {
    const validated = validateCall({ tool: first.function.name, args: first.function.arguments }, tools);
    return validated.ok ? success(validated.call) : failure(validated.error);
  }
  const text = reply.content.trim();
  if (text === "") {
    return failure({
      code: "empty",
      tool: null,
      message: `Your reply was empty. The task is not finished: reply with one tool call as JSON, for example ${exampleCall(fallbackTool(tools))}`,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    if (reply.doneReason === "length") return failure(truncatedError(tools));
    if (!text.includes("{")) return failure({ code: "no_call", tool: null, message: noCallMessage(tools) });
    const count = scanJsonObjects(text).length;
    if (count > 1) {
      return failure({
        code: "multiple",
        tool: null,
        message: `Send exactly one JSON object per reply; yours had ${count}. Send the first call now and the others in later replies. Example: ${exampleCall(fallbackTool(tools))}`,
      });
    }
    return failure(invalidJsonError(error instanceof Error ? error.message : String(error), tools));
  }
  const validated = validateCall(value, tools);
  return validated.ok ? success(validated.call) : failure(validated.error);
}

/**
 * Separates reasoning from the reply. Besides `<think>…</think>` (also unclosed), a bare
 * `…</think>` counts: DeepSeek-R1 distills' templates open the tag in the prompt.
 */
function splitThinking(content: string): { outside: string; inside: string; hadThinking: boolean } {
  const inside: string[] = [];
  let rest = content;
  const orphan = /^([\s\S]*?)<\/(think|thinking|reasoning)>/i.exec(rest);
  if (orphan && !new RegExp(`<${orphan[2] ?? "think"}>`, "i").test(orphan[1] ?? "")) {
    inside.push(orphan[1] ?? "");
    rest = rest.slice(orphan[0].length);
  }
  const outside = rest.replace(/<(think|thinking|reasoning)>([\s\S]*?)(?:<\/\1>|$)/gi, (_, _tag: string, body: string) => {
    inside.push(body);
    return "";
  });
  return { outside, inside: inside.join("\n"), hadThinking: inside.length > 0 };
}

function truncatedError(tools: readonly ToolName[]): ReplyError {
  const large = tools.includes("edit_file") ? " change a large file with edit_file and a small old_text instead of rewriting it with write_file," : "";
  return {
    code: "truncated",
    tool: null,
    message: `Your reply was cut off before the call was complete (it hit the output token limit), so it was not run. Send a shorter call:${large} keep "thought" to one sentence. Example: ${exampleCall(tools.includes("edit_file") ? "edit_file" : fallbackTool(tools))}`,
  };
}

function invalidJsonError(detail: string, tools: readonly ToolName[]): ReplyError {
  return {
    code: "invalid_json",
    tool: null,
    message: `Your reply is not valid JSON (${detail}). Reply with only the JSON object: strings in double quotes, with \\" for a quote and \\n for a newline inside them, no markdown fence, no text before or after it. Example: ${exampleCall(fallbackTool(tools))}`,
  };
}

function noCallMessage(tools: readonly ToolName[]): string {
  return `Your reply has no tool call. Every reply must be exactly one JSON object, for example ${exampleCall(fallbackTool(tools))}. If you are done, call ${tools.includes("answer") ? "answer" : "finish"}.`;
}

function fallbackTool(tools: readonly ToolName[]): ToolName {
  return tools.includes("read_file") ? "read_file" : (tools[0] ?? "read_file");
}

function success(call: ToolCall): ParsedReply {
  return { ok: true, call, rawValid: true, interventions: [], notes: [] };
}

function failure(error: ReplyError): ParsedReply {
  return { ok: false, error, rawValid: false, interventions: [], notes: [] };
}

function merge(...lists: Intervention[][]): Intervention[] {
  return [...new Set(lists.flat())];
}

const ORDER: Intervention[] = ["stripped_fence", "extracted_from_prose", "repaired_json", "mapped_alias"];
function order(list: Intervention[]): Intervention[] {
  return [...new Set(list)].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
}
