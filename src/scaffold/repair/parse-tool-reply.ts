import type { ToolCall, ToolName } from "../../protocol/tool-schemas.js";
import type { Intervention } from "../../protocol/turn-record.js";
import { collectCandidates, merge, type Candidate } from "./collect-candidates.js";
import { normalizeCallShape, type NormalizedShape } from "./normalize-call-shape.js";
import { normalizeMetaspaces } from "./normalize-metaspaces.js";
import { normalizeNearShapes } from "./normalize-near-shapes.js";
import { parseStrictReply } from "./parse-strict-reply.js";
import { foundIn, truncatedError } from "./reply-errors.js";
import { stripContentFence } from "./strip-content-fence.js";
import type { ParsedReply, ReplyInput } from "./parsed-reply.js";
import { type ReplyError, validateCall } from "./validate-call.js";

type Shape = NormalizedShape & { families: string[] };

/**
 * Turns a raw model reply into one tool call.
 *
 * Strict first: native `tool_calls`, or the whole content as JSON, validated with no change. That
 * is the `raw_valid` measure, the same whether repair is on or off. With `repair` off nothing
 * else runs. With it on, a strict-valid call only loses an outer fence around file content;
 * otherwise candidates are collected and ranked (`collectCandidates`): native calls, call
 * syntaxes (XML, Harmony, Mistral, Gemma 4, XML wrappers and elements), fenced JSON, bare JSON,
 * Python calls. The first candidate naming one of the task's tools is the call: it is validated
 * after `normalizeCallShape`, and its error is reported if it is invalid (a later, valid call is
 * not run in its place). Other calls are dropped with a note to the model. Nothing cut off is ever
 * repaired: `done_reason: "length"` or an unterminated string gives the `truncated` error. An
 * error about a call in another syntax says what was found.
 */
export function parseToolReply(params: { reply: ReplyInput; tools: readonly ToolName[]; repair: boolean }): ParsedReply {
  const { reply, tools } = params;
  const strict = parseStrictReply(reply, tools);
  if (!params.repair) return strict;
  if (strict.ok) return finish(strict.call, true, [], [], []);
  const native = reply.toolCalls ?? [];
  if (reply.content.trim() === "" && native.length === 0) return strict;
  if (reply.doneReason === "length" && native.length === 0) return { ...strict, error: truncatedError(tools) };

  // A reply that went through a detokenizer without meta-space handling is decoded once, up front.
  const metaspaces = normalizeMetaspaces(reply.content);
  const withSpaces = (c: Candidate): Candidate => (metaspaces.changed ? { ...c, interventions: merge(c.interventions, ["repaired_json"]) } : c);
  const candidates = collectCandidates(reply, metaspaces.text, tools).map((c) => (c.rank === 0 ? c : withSpaces(c)));
  const familiesOf = (c: Candidate, shape?: Shape) => [...(metaspaces.family && c.rank > 0 ? [metaspaces.family] : []), ...(c.family ? [c.family] : []), ...(shape?.families ?? [])];

  // The most telling error among unusable candidates: cut off > unknown tool > bad JSON > no tool field.
  const errors: { error: ReplyError; severity: number; interventions: Intervention[]; families: string[] }[] = [];
  const remember = (error: ReplyError, severity: number, c: Candidate, interventions: Intervention[], shape?: Shape) =>
    errors.push({ error: foundIn(error, foundOf(c, shape)), severity, interventions, families: familiesOf(c, shape) });
  let chosen: { candidate: Candidate; shape: Shape } | null = null;
  for (const candidate of candidates) {
    if (candidate.problem) {
      remember(candidate.problem.error, candidate.problem.severity, candidate, candidate.interventions);
      continue;
    }
    const shape = shapeOf(candidate.value, tools);
    if (!shape) {
      const invalid = validateCall(candidate.value, tools);
      if (!invalid.ok) remember(invalid.error, 0, candidate, candidate.interventions);
      continue;
    }
    if (shape.error || (tools as readonly string[]).includes(shape.value.tool)) {
      chosen = { candidate, shape };
      break;
    }
    const invalid = validateCall(shape.value, tools);
    if (!invalid.ok) remember(invalid.error, 3, candidate, merge(candidate.interventions, shape.interventions), shape);
  }

  if (!chosen) {
    const reported = errors.reduce<(typeof errors)[number] | null>((top, e) => (top && top.severity >= e.severity ? top : e), null);
    if (!reported) return strict;
    return { ok: false, error: reported.error, rawValid: false, interventions: order(reported.interventions), notes: [], families: unique(reported.families) };
  }
  const { candidate, shape } = chosen;
  const interventions = merge(candidate.interventions, shape.interventions);
  const families = unique(familiesOf(candidate, shape));
  const validated = shape.error ? { ok: false as const, error: shape.error } : validateCall(shape.value, tools);
  if (!validated.ok) return { ok: false, error: foundIn(validated.error, foundOf(candidate, shape)), rawValid: false, interventions: order(interventions), notes: [], families };

  const notes = [...shape.notes];
  const extra = candidates.filter((other) => other !== candidate && other.part === candidate.part && namesTool(other, tools)).length;
  if (extra > 0) {
    notes.push(`only one tool call per reply is run; ${extra} more ${extra === 1 ? "was" : "were"} dropped, send ${extra === 1 ? "it" : "them"} in later replies`);
    interventions.push("extracted_from_prose");
  }
  return finish(validated.call, false, interventions, notes, families);
}

/** Near shapes (stray-whitespace keys, JSON-RPC envelopes) first, then the field mapping. */
function shapeOf(value: unknown, tools: readonly ToolName[]): Shape | null {
  const near = normalizeNearShapes(value);
  const shape = normalizeCallShape(near.value, tools);
  if (!shape) return null;
  const interventions = near.families.length > 0 ? merge(shape.interventions, ["mapped_alias"]) : shape.interventions;
  return { ...shape, interventions, families: near.families };
}

/** The syntax a call was found in, for error messages: a call syntax, or an envelope the near-shape step unwrapped. */
function foundOf(candidate: Candidate, shape: Shape | undefined): { family: string; name: string } | undefined {
  if (candidate.found) return candidate.found;
  const envelope = shape?.families.find((family) => family === "JSON-RPC envelope");
  return envelope && shape ? { family: envelope, name: shape.value.tool } : undefined;
}

function namesTool(candidate: Candidate, tools: readonly ToolName[]): boolean {
  if (candidate.problem) return false;
  const shape = shapeOf(candidate.value, tools);
  return shape !== null && (shape.error !== undefined || (tools as readonly string[]).includes(shape.value.tool));
}

/** Strips an outer fence from file content (even of a strict-valid call) and assembles the result. */
function finish(call: ToolCall, rawValid: boolean, interventions: Intervention[], notes: string[], families: string[]): ParsedReply {
  const stripped = stripContentFence(call);
  if (stripped.note === null) return { ok: true, call, rawValid, interventions: order(interventions), notes, families };
  return { ok: true, call: stripped.call, rawValid, interventions: order(merge(interventions, ["stripped_fence"])), notes: [...notes, stripped.note], families };
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}

const ORDER: Intervention[] = ["stripped_fence", "extracted_from_prose", "repaired_json", "mapped_alias"];
function order(list: Intervention[]): Intervention[] {
  return [...new Set(list)].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
}
