import { jsonrepair } from "jsonrepair";
import type { ToolCall, ToolName } from "../../agent/tool-schemas.js";
import type { NativeToolCall } from "../../model/types.js";
import type { Intervention } from "../../report/report-schema.js";
import { normalizeCallShape } from "./normalize-call-shape.js";
import { scanJsonObjects } from "./scan-json-objects.js";
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
 * Turns a raw model reply into one tool call. Strict first (the `raw_valid` measure: native
 * `tool_calls`, or the whole content as JSON, validated with no change). With `repair` on, then
 * in order: native calls, tagged calls, fenced JSON, the first balanced object naming a tool,
 * `jsonrepair` (never on a cut-off reply), and the near-miss mapping of `normalizeCallShape`.
 */
export function parseToolReply(params: { reply: ReplyInput; tools: readonly ToolName[]; repair: boolean }): ParsedReply {
  const { reply, tools } = params;
  const strict = parseStrict(reply, tools);
  if (strict.ok || !params.repair) return strict;
  if (reply.content.trim() === "" && !reply.toolCalls?.length) return strict;
  if (reply.doneReason === "length") return failure(truncatedError());

  const candidates = collectCandidates(reply);
  const interventionsSeen: Intervention[] = [];
  let best: { error: ReplyError; rank: number } | null = null;
  const valid: { call: ToolCall; interventions: Intervention[]; notes: string[] }[] = [];
  for (const candidate of candidates) {
    if (candidate.truncated) {
      best = pick(best, truncatedError(), 3);
      continue;
    }
    const shape = normalizeCallShape(candidate.value, tools);
    if (!shape) {
      best = pick(best, { code: "no_call", tool: null, message: noCallMessage(tools) }, 0);
      continue;
    }
    const validated = validateCall(shape.value, tools);
    if (validated.ok) {
      valid.push({
        call: validated.call,
        interventions: unique([...candidate.interventions, ...shape.interventions]),
        notes: shape.notes,
      });
    } else {
      interventionsSeen.push(...candidate.interventions, ...shape.interventions);
      best = pick(best, validated.error, validated.error.code === "unknown_tool" ? 1 : 2);
    }
  }
  const [chosen, ...extra] = valid;
  if (chosen) {
    const notes = [...chosen.notes];
    const interventions = [...chosen.interventions];
    if (extra.length > 0) {
      notes.push(`only one tool call per reply is run; ${extra.length} more ${extra.length === 1 ? "was" : "were"} dropped`);
      if (!interventions.includes("extracted_from_prose")) interventions.push("extracted_from_prose");
    }
    return { ok: true, call: chosen.call, rawValid: false, interventions: order(interventions), notes };
  }
  const error = best?.error ?? strict.error;
  return { ok: false, error, rawValid: false, interventions: order(unique(interventionsSeen)), notes: [] };
}

function parseStrict(reply: ReplyInput, tools: readonly ToolName[]): ParsedReply {
  const native = reply.toolCalls ?? [];
  if (native.length > 1) {
    return failure({ code: "multiple", tool: null, message: `Send exactly one tool call per reply; you sent ${native.length}.` });
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
      message: `Your reply was empty. The task is not finished: reply with one tool call as JSON, for example ${firstExample(tools)}.`,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    if (reply.doneReason === "length") return failure(truncatedError());
    if (!text.includes("{")) return failure({ code: "no_call", tool: null, message: noCallMessage(tools) });
    const detail = error instanceof Error ? error.message : String(error);
    const count = scanJsonObjects(text).length;
    if (count > 1) {
      return failure({ code: "multiple", tool: null, message: `Send exactly one JSON object per reply; yours had ${count}.` });
    }
    return failure({
      code: "invalid_json",
      tool: null,
      message: `Your reply is not valid JSON (${detail}). Reply with only the JSON object: no markdown fences, no text before or after it.`,
    });
  }
  const validated = validateCall(value, tools);
  return validated.ok ? success(validated.call) : failure(validated.error);
}

interface Candidate {
  value: unknown;
  interventions: Intervention[];
  truncated: boolean;
}

function collectCandidates(reply: ReplyInput): Candidate[] {
  const out: Candidate[] = [];
  for (const call of reply.toolCalls ?? []) {
    out.push({ value: { tool: call.function.name, args: call.function.arguments }, interventions: [], truncated: false });
  }
  // A call inside <think> is a fallback: the model may have drafted it there and then changed its mind.
  const { outside, inside } = splitThinking(reply.content);
  for (const text of [outside, inside]) {
    if (text.trim() === "") continue;
    out.push(...taggedCalls(text));
    out.push(...jsonCandidates(text));
  }
  return out;
}

/** `<function=name><parameter=p>v</parameter></function>` and `<invoke name="x"><parameter name="p">v</parameter>`. */
function taggedCalls(text: string): Candidate[] {
  const out: Candidate[] = [];
  const blocks = text.matchAll(/<(?:function=([\w.-]+)|invoke\s+name="([\w.-]+)")\s*>([\s\S]*?)(?:<\/function>|<\/invoke>|$)/g);
  for (const block of blocks) {
    const name = block[1] ?? block[2];
    if (!name) continue;
    const args: Record<string, string> = {};
    const params = (block[3] ?? "").matchAll(/<parameter(?:=([\w.-]+)|\s+name="([\w.-]+)")\s*>([\s\S]*?)(?:<\/parameter>|(?=<parameter)|$)/g);
    for (const param of params) {
      const key = param[1] ?? param[2];
      if (key) args[key] = (param[3] ?? "").replace(/^\n/, "").replace(/\n$/, "");
    }
    out.push({ value: { tool: name, args }, interventions: ["extracted_from_prose"], truncated: false });
  }
  return out;
}

function jsonCandidates(text: string): Candidate[] {
  const out: Candidate[] = [];
  const fenced = [...text.matchAll(/(`{3,}|~{3,})[ \t]*(?:json5?|javascript|js|python|tool_call)?[ \t]*\n([\s\S]*?)(?:\n\1|$)/gi)];
  const sources: { text: string; fence: boolean }[] = fenced.length > 0
    ? fenced.map((match) => ({ text: match[2] ?? "", fence: true }))
    : [{ text, fence: false }];
  for (const source of sources) {
    const objects = scanJsonObjects(source.text);
    const prose = objects.length !== 1 || source.text.trim() !== (objects[0]?.text ?? "").trim();
    for (const object of objects) {
      const interventions: Intervention[] = [];
      if (source.fence) interventions.push("stripped_fence");
      if (prose || (source.fence && text.trim() !== (fenced[0]?.[0] ?? "").trim())) interventions.push("extracted_from_prose");
      if (object.unterminatedString) {
        out.push({ value: null, interventions, truncated: true });
        continue;
      }
      const parsed = parseLenient(object.text);
      if (parsed.repaired) interventions.push("repaired_json");
      if (parsed.ok) out.push({ value: parsed.value, interventions, truncated: false });
    }
  }
  return out;
}

function parseLenient(text: string): { ok: true; value: unknown; repaired: boolean } | { ok: false; repaired: boolean } {
  try {
    return { ok: true, value: JSON.parse(text), repaired: false };
  } catch {
    // Fall through to repair.
  }
  try {
    // A literal backslash-n between tokens (outside strings) is noise jsonrepair does not expect.
    const cleaned = text.replace(/([{,\[:])\s*\\n\s*/g, "$1 ").replace(/\s*\\n\s*([}\],])/g, " $1");
    return { ok: true, value: JSON.parse(jsonrepair(cleaned)), repaired: true };
  } catch {
    return { ok: false, repaired: true };
  }
}

function splitThinking(content: string): { outside: string; inside: string } {
  const inside: string[] = [];
  const outside = content.replace(/<(think|thinking|reasoning)>([\s\S]*?)(?:<\/\1>|$)/gi, (_, _tag: string, body: string) => {
    inside.push(body);
    return "";
  });
  return { outside, inside: inside.join("\n") };
}

function truncatedError(): ReplyError {
  return {
    code: "truncated",
    tool: null,
    message:
      "Your reply was cut off before the JSON was complete (it hit the output token limit). Send a shorter call: change a large file with edit_file and a small old_text instead of rewriting it with write_file.",
  };
}

function noCallMessage(tools: readonly ToolName[]): string {
  return `Your reply has no tool call. Every reply must be exactly one JSON object, for example ${firstExample(tools)}. If you are done, call ${tools.includes("answer") ? "answer" : "finish"}.`;
}

function firstExample(tools: readonly ToolName[]): string {
  return JSON.stringify({ tool: tools.includes("read_file") ? "read_file" : tools[0], args: tools.includes("read_file") ? { path: "README.md" } : {} });
}

function pick(current: { error: ReplyError; rank: number } | null, error: ReplyError, rank: number) {
  return !current || rank > current.rank ? { error, rank } : current;
}

function success(call: ToolCall): ParsedReply {
  return { ok: true, call, rawValid: true, interventions: [], notes: [] };
}

function failure(error: ReplyError): ParsedReply {
  return { ok: false, error, rawValid: false, interventions: [], notes: [] };
}

const ORDER: Intervention[] = ["stripped_fence", "extracted_from_prose", "repaired_json", "mapped_alias"];
function order(list: Intervention[]): Intervention[] {
  return [...list].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
}

function unique<T>(list: T[]): T[] {
  return [...new Set(list)];
}
