import { toolArgNames, type ToolName } from "../../protocol/tool-schemas.js";
import type { Intervention } from "../../protocol/turn-record.js";
import { exampleCall } from "../../protocol/example-call.js";
import { ARG_ALIASES, TOOL_ALIASES } from "./aliases.js";
import { nearToolNames } from "./near-tool-names.js";
import { parseLenientJson } from "./parse-lenient-json.js";
import { scanJsonObjects } from "./scan-json-objects.js";
import { validateCall, type ReplyError } from "./validate-call.js";

export interface NormalizedShape {
  /** `{thought?, tool, args}` ready for zod validation. */
  value: { thought?: string; tool: string; args: Record<string, unknown> };
  interventions: Intervention[];
  /** What was changed, told to the model so it learns the right shape. */
  notes: string[];
  /**
   * Set when the reply names a call that cannot be mapped without guessing (two different tools,
   * an editor command we have no tool for, scalar arguments for a tool with several): report it
   * instead of validating `value`.
   */
  error?: ReplyError;
}

type Json = Record<string, unknown>;

const NAME_KEYS = ["tool", "name", "tool_name", "function", "action", "command", "toolName", "function_name"];
const ARGS_KEYS = ["args", "arguments", "parameters", "params", "input", "action_input", "tool_input", "kwargs"];
const THOUGHT_KEYS = ["thought", "thoughts", "reasoning", "reason", "thinking", "explanation", "rationale", "plan"];
/** Envelope fields of OpenAI and Llama call objects (`{"type": "function", "id": …}`) that carry no meaning. */
const METADATA_KEYS = ["type", "id", "index", "call_id", "tool_call_id"];
/** Call wrappers: OpenAI `{"function": {...}}`, legacy `{"function_call": {...}}`. */
const WRAPPER_KEYS = ["function", "function_call", "tool_call"];
const RANGE_KEYS = ["lines", "line_range", "view_range", "range", "line_numbers"];
/**
 * OpenHands' file editor takes a `command`; models fine-tuned on its trajectories send
 * `str_replace_editor` (SWE-agent, OpenHands v0) or `file_editor` (OpenHands SDK) calls.
 */
const EDITOR_COMMANDS: Record<string, ToolName> = { view: "read_file", create: "write_file", str_replace: "edit_file" };
const EDITOR_NAMES = new Set(["str_replace_editor", "file_editor", "text_editor", "str_replace_based_edit_tool"]);

/**
 * Maps near-miss call shapes onto `{thought?, tool, args}`, only where the mapping is unambiguous:
 * `name`/`arguments` for `tool`/`args`, `{"read_file": {...}}`, OpenAI and LangChain envelopes,
 * stringified args, tool-name case, `-`/`_`, camelCase and edit distance ≤ 2, argument aliases,
 * `"lines": "1-10"`, `./` prefixes, `null` for an omitted argument, a bare value for a tool that
 * takes one argument. Arguments it cannot map are kept, so validation names them
 * (`unexpected_arg`): dropping `"append": true` would silently turn an append into an overwrite.
 * Returns null when no tool can be made out at all.
 */
export function normalizeCallShape(input: unknown, tools: readonly ToolName[]): NormalizedShape | null {
  if (!isObject(input)) return null;
  const interventions = new Set<Intervention>();
  const notes: string[] = [];
  let obj: Json = input;

  for (const wrapper of WRAPPER_KEYS) {
    const inner = obj[wrapper];
    if (isObject(inner) && typeof inner.name === "string") {
      const { [wrapper]: _unwrapped, ...outer } = obj;
      obj = { ...outer, ...inner };
      interventions.add("mapped_alias");
      break;
    }
  }

  const consumed = new Set<string>(METADATA_KEYS);
  let thought: string | undefined;
  for (const key of THOUGHT_KEYS) {
    if (typeof obj[key] !== "string") continue;
    consumed.add(key);
    if (thought === undefined) thought = obj[key];
    if (key !== "thought") interventions.add("mapped_alias");
  }

  // Every string under a name key that resolves to a tool; two different tools is a guess we refuse.
  const named = NAME_KEYS.filter((key) => typeof obj[key] === "string").map((key) => {
    const raw = obj[key] as string;
    return { key, raw, tool: resolveToolName(raw, tools) ?? editorTool(raw, obj) };
  });
  const resolving = named.filter((entry) => entry.tool !== null);
  const distinct = [...new Set(resolving.map((entry) => entry.raw))];
  if (new Set(resolving.map((entry) => entry.tool)).size > 1) {
    const listed = resolving.map((entry) => `"${entry.raw}" (in "${entry.key}")`).join(" and ");
    return ambiguous(obj, distinct[0] ?? "", interventions, {
      code: "multiple",
      tool: null,
      message: `Your call names two different tools: ${listed}. Put exactly one tool name in "tool". Example: ${exampleCall(tools.includes("read_file") ? "read_file" : (tools[0] ?? "read_file"))}`,
    });
  }
  const primary = resolving[0] ?? named[0];
  let rawName = primary?.raw;
  let args: unknown;
  let argsKey: string | undefined;
  if (primary) {
    for (const entry of named) if (entry.raw === primary.raw || entry.tool !== null) consumed.add(entry.key);
    argsKey = ARGS_KEYS.find((key) => key in obj);
    if (argsKey !== undefined) {
      consumed.add(argsKey);
      args = obj[argsKey];
    }
  } else {
    // {"read_file": {"path": "…"}}: a single key naming a tool.
    const keys = Object.keys(obj).filter((key) => !consumed.has(key));
    const [only] = keys;
    if (keys.length === 1 && only !== undefined && resolveToolName(only, tools) !== null) {
      rawName = only;
      args = obj[only];
      argsKey = only;
      consumed.add(only);
    }
  }
  if (rawName === undefined) return null;
  if (primary?.key !== "tool" || (argsKey !== undefined && argsKey !== "args")) interventions.add("mapped_alias");

  const leftovers = Object.fromEntries(Object.entries(obj).filter(([key]) => !consumed.has(key)));
  if (args === undefined || args === null) {
    // Arguments written at the top level: {"tool":"read_file","path":"a.ts"}.
    args = leftovers;
    if (Object.keys(leftovers).length > 0 || argsKey === undefined) interventions.add("mapped_alias");
    if (Object.keys(leftovers).length > 0) notes.push(`the arguments belong inside "args"`);
  } else if (Object.keys(leftovers).length > 0) {
    interventions.add("mapped_alias");
    const argNames = resolvedArgNames(rawName, tools);
    for (const [key, value] of Object.entries(leftovers)) {
      // An argument written next to "args" instead of inside it is merged, never over a value in "args".
      if (isObject(args) && argNames.has(squash(key)) && !(key in args)) {
        args = { ...args, [key]: value };
        notes.push(`argument "${key}" belongs inside "args"`);
      } else {
        notes.push(`the field "${key}" next to "args" was ignored; only "thought", "tool" and "args" are read`);
      }
    }
  }
  // Stringified args; one with an unterminated string inside is broken, and closing it would invent a value.
  if (typeof args === "string" && /^\s*[[{]/.test(args) && !scanJsonObjects(args).some((object) => object.unterminatedString)) {
    const parsed = parseLenientJson(args);
    if (parsed.ok) {
      args = parsed.value;
      interventions.add("mapped_alias");
      if (parsed.repaired) interventions.add("repaired_json");
    }
  }

  let tool = resolveToolName(rawName, tools);
  if (tool === null && EDITOR_NAMES.has(squash(rawName))) {
    const command = isObject(args) && typeof args.command === "string" ? args.command : null;
    const mapped = command === null ? undefined : EDITOR_COMMANDS[command];
    if (mapped === undefined || !tools.includes(mapped) || !isObject(args)) {
      return ambiguous(obj, rawName, interventions, {
        code: "unknown_tool",
        tool: rawName,
        message: `"${rawName}"${command === null ? "" : ` with command "${command}"`} is not a tool here. Use ${["read_file", "write_file", "edit_file"].filter((t) => tools.includes(t as ToolName)).join(", ")} instead. Example: ${exampleCall(tools.includes("edit_file") ? "edit_file" : "read_file")}`,
      });
    }
    const { command: _command, ...rest } = args;
    args = rest;
    tool = mapped;
    interventions.add("mapped_alias");
    notes.push(`"${rawName}" with command "${command}" was read as ${mapped}`);
  } else if (tool === null) {
    return { value: withThought({ tool: rawName, args: isObject(args) ? args : {} }, thought), interventions: [...interventions], notes };
  } else if (tool !== rawName) {
    interventions.add("mapped_alias");
    notes.push(`tool "${rawName}" was read as "${tool}"`);
  }

  if (!isObject(args)) {
    const target = scalarTarget(tool);
    const scalar = (typeof args === "string" && !/^\s*[[{]/.test(args)) || typeof args === "number" || typeof args === "boolean";
    if (scalar && target !== undefined) {
      args = { [target]: args };
      interventions.add("mapped_alias");
      notes.push(`the bare value was read as "${target}"`);
    } else {
      const invalid = validateCall({ tool, args }, tools);
      const error = invalid.ok ? undefined : invalid.error;
      return { value: withThought({ tool, args: {} }, thought), interventions: [...interventions], notes, error };
    }
  }
  const merged = isObject(args) ? { ...args } : {};
  return { value: withThought({ tool, args: mapArgs(tool, merged, interventions, notes) }, thought), interventions: [...interventions], notes };
}

/**
 * Resolves a tool name: exact, then a namespace before an exact name (`fs.read_file`,
 * `ns:write_file`), case/`-`/`_`/camelCase, the alias table, edit distance ≤ 2 to exactly one tool.
 */
export function resolveToolName(raw: string, tools: readonly ToolName[]): ToolName | null {
  const exact = tools.find((tool) => tool === raw);
  if (exact) return exact;
  const lastSegment = raw.trim().split(/[.:/]/).pop() ?? "";
  const namespaced = lastSegment !== raw.trim() ? tools.find((tool) => tool === lastSegment) : undefined;
  if (namespaced) return namespaced;
  const name = squash(raw);
  const byForm = tools.find((tool) => tool === name || tool.replaceAll("_", "") === name.replaceAll("_", ""));
  if (byForm) return byForm;
  const alias = TOOL_ALIASES[name];
  if (alias && tools.includes(alias)) return alias;
  const near = nearToolNames(name, tools);
  return near.length === 1 ? (near[0] ?? null) : null;
}

/** One outer ``` fence around a whole file: small models add it even when told not to. */
export function stripOuterFence(text: string): string {
  const match = /^\s*(`{3,}|~{3,})[^\n`]*\n([\s\S]*?)\n?\1\s*$/.exec(text);
  return match ? (match[2] ?? "") + (text.endsWith("\n") ? "\n" : "") : text;
}

function mapArgs(tool: ToolName, input: Json, interventions: Set<Intervention>, notes: string[]): Json {
  const known = toolArgNames(tool).map((arg) => arg.name);
  const out: Json = {};
  const pending: Json = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === null) {
      // Python's None / JSON null for an argument means "not given".
      interventions.add("mapped_alias");
      continue;
    }
    if (known.includes(key)) out[key] = value;
    else pending[key] = value;
  }
  for (const [key, value] of Object.entries(pending)) {
    const snake = squash(key);
    let target: string | undefined = known.includes(snake) ? snake : undefined;
    target ??= known.find((name) => (ARG_ALIASES[name] ?? []).includes(snake));
    if (target !== undefined && !(target in out)) {
      out[target] = value;
      interventions.add("mapped_alias");
      notes.push(`argument "${key}" was read as "${target}"`);
      continue;
    }
    if (RANGE_KEYS.includes(snake) && known.includes("start_line") && !("start_line" in out) && !("end_line" in out)) {
      const range = parseRange(value);
      if (range) {
        out.start_line = range[0];
        // OpenHands' view_range uses -1 for "to the end of the file", which is end_line omitted.
        if (range[1] !== -1) out.end_line = range[1];
        interventions.add("mapped_alias");
        notes.push(`"${key}" was read as start_line/end_line`);
        continue;
      }
    }
    // Kept as written: validation reports it (unexpected_arg) instead of running a different call.
    out[key] = value;
  }
  for (const key of ["start_line", "end_line"]) {
    const value = out[key];
    if (typeof value === "string" && /^\s*\d+\s*$/.test(value)) {
      out[key] = Number(value);
      interventions.add("mapped_alias");
    }
  }
  if (typeof out.path === "string") {
    const cleaned = out.path.trim().replace(/^(\.\/)+/, "");
    if (cleaned !== out.path && cleaned !== "") {
      out.path = cleaned;
      interventions.add("mapped_alias");
    }
  }
  return out;
}

/** The one argument a bare value can only mean: the tool's single required argument, or its only one. */
function scalarTarget(tool: ToolName): string | undefined {
  const spec = toolArgNames(tool);
  const required = spec.filter((arg) => arg.required);
  if (required.length === 1) return required[0]?.name;
  if (required.length === 0 && spec.length === 1) return spec[0]?.name;
  return undefined;
}

/** Argument names and aliases of the tool `rawName` resolves to (empty when it does not). */
function resolvedArgNames(rawName: string, tools: readonly ToolName[]): Set<string> {
  const tool = resolveToolName(rawName, tools);
  if (tool === null) return new Set();
  return new Set(toolArgNames(tool).flatMap((arg) => [arg.name, ...(ARG_ALIASES[arg.name] ?? [])]));
}

function editorTool(raw: string, obj: Json): ToolName | null {
  if (!EDITOR_NAMES.has(squash(raw))) return null;
  const args = ARGS_KEYS.map((key) => obj[key]).find(isObject) ?? obj;
  const command = typeof args.command === "string" ? args.command : "";
  return EDITOR_COMMANDS[command] ?? null;
}

function ambiguous(obj: Json, rawName: string, interventions: Set<Intervention>, error: ReplyError): NormalizedShape {
  const args = ARGS_KEYS.map((key) => obj[key]).find(isObject) ?? {};
  return { value: { tool: rawName, args }, interventions: [...interventions], notes: [], error };
}

function withThought(value: { tool: string; args: Json }, thought: string | undefined): NormalizedShape["value"] {
  return thought === undefined ? value : { thought, ...value };
}

/** `ReadFile`, `read-file`, `functions.read_file`, ` READ_FILE ` → `read_file`. */
function squash(raw: string): string {
  return raw
    .trim()
    .replace(/^(?:functions|tools|default_api)[.:]/, "")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .replace(/[\s.-]+/g, "_");
}

function parseRange(value: unknown): [number, number] | null {
  if (Array.isArray(value) && value.length === 2 && value.every((v) => (typeof v === "number" || typeof v === "string") && Number.isInteger(Number(v)))) {
    return [Number(value[0]), Number(value[1])];
  }
  if (typeof value === "string") {
    const match = /^\s*\[?\s*(\d+)\s*(?:-|–|:|\.\.|,|to)\s*(\d+)\s*\]?\s*$/.exec(value);
    if (match) return [Number(match[1]), Number(match[2])];
  }
  return null;
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
