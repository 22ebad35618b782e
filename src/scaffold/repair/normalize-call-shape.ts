import { TOOL_CALL_SCHEMAS, toolArgNames, type ToolName } from "../../agent/tool-schemas.js";
import type { Intervention } from "../../report/report-schema.js";
import { ARG_ALIASES, TOOL_ALIASES } from "./aliases.js";

export interface NormalizedShape {
  /** `{thought?, tool, args}` ready for zod validation. */
  value: { thought?: string; tool: string; args: Record<string, unknown> };
  interventions: Intervention[];
  /** What was changed, told to the model so it learns the right shape. */
  notes: string[];
}

type Json = Record<string, unknown>;

const NAME_KEYS = ["tool", "name", "tool_name", "function", "action", "command", "toolName", "function_name"];
const ARGS_KEYS = ["args", "arguments", "parameters", "params", "input", "action_input", "tool_input", "kwargs"];
const THOUGHT_KEYS = ["thought", "thoughts", "reasoning", "reason", "thinking", "explanation", "rationale", "plan"];
const MARKDOWN = /\.(md|markdown|mdx|rst|txt)$/i;

/**
 * Maps near-miss call shapes onto `{thought?, tool, args}`, only where the mapping is unambiguous:
 * `name`/`arguments` for `tool`/`args`, `{"read_file": {...}}`, stringified args, tool-name case,
 * `-`/`_`, camelCase and edit distance ≤ 2, argument aliases, `"lines": "1-10"`, `./` prefixes.
 * Returns null when no tool can be made out at all.
 */
export function normalizeCallShape(input: unknown, tools: readonly ToolName[]): NormalizedShape | null {
  if (!isObject(input)) return null;
  const interventions = new Set<Intervention>();
  const notes: string[] = [];
  let obj: Json = input;

  // {"type":"function","function":{"name":…,"arguments":…}} and {"function":{…}}
  if (isObject(obj.function) && typeof obj.function.name === "string") {
    obj = { ...obj.function, thought: obj.thought };
    interventions.add("mapped_alias");
  }

  let thought: string | undefined;
  for (const key of THOUGHT_KEYS) {
    if (typeof obj[key] === "string") {
      thought = obj[key];
      if (key !== "thought") interventions.add("mapped_alias");
      break;
    }
  }

  let rawName: string | undefined;
  let nameKey: string | undefined;
  for (const key of NAME_KEYS) {
    if (typeof obj[key] === "string") {
      rawName = obj[key];
      nameKey = key;
      break;
    }
  }
  let args: unknown;
  let argsKey: string | undefined;
  for (const key of ARGS_KEYS) {
    if (key in obj) {
      args = obj[key];
      argsKey = key;
      break;
    }
  }
  if (rawName === undefined) {
    // {"read_file": {"path": "…"}}: a single key naming a tool.
    const keys = Object.keys(obj).filter((key) => !THOUGHT_KEYS.includes(key));
    const [only] = keys;
    if (keys.length === 1 && only !== undefined && resolveToolName(only, tools) !== null) {
      rawName = only;
      args = obj[only];
      nameKey = "(key)";
      argsKey = "(key)";
    }
  }
  if (rawName === undefined) return null;
  if (nameKey !== "tool" || (argsKey !== undefined && argsKey !== "args")) interventions.add("mapped_alias");

  const tool = resolveToolName(rawName, tools);
  if (tool === null) {
    return { value: { thought, tool: rawName, args: isObject(args) ? args : {} }, interventions: [...interventions], notes };
  }
  if (tool !== rawName) {
    interventions.add("mapped_alias");
    notes.push(`tool "${rawName}" was read as "${tool}"`);
  }

  if (typeof args === "string") {
    const parsed = tryParse(args);
    if (isObject(parsed)) {
      args = parsed;
      interventions.add("mapped_alias");
    }
  }
  if (args === undefined || args === null) {
    // Arguments written at the top level: {"tool":"read_file","path":"a.ts"}.
    const reserved = new Set([...NAME_KEYS, ...ARGS_KEYS, ...THOUGHT_KEYS]);
    const loose = Object.fromEntries(Object.entries(obj).filter(([key]) => !reserved.has(key)));
    args = loose;
    if (Object.keys(loose).length > 0) interventions.add("mapped_alias");
    else if (argsKey === undefined && TOOL_CALL_SCHEMAS[tool].shape.args.safeParse({}).success) {
      // {"tool":"run_tests"} with no args at all: the intent is unambiguous.
      interventions.add("mapped_alias");
    }
  }
  if (!isObject(args)) {
    return { value: { thought, tool, args: { value: args } }, interventions: [...interventions], notes };
  }

  const mapped = mapArgs(tool, args, interventions, notes);
  const value: NormalizedShape["value"] = { tool, args: mapped };
  if (thought !== undefined) value.thought = thought;
  return { value, interventions: [...interventions], notes };
}

function mapArgs(tool: ToolName, input: Json, interventions: Set<Intervention>, notes: string[]): Json {
  const known = toolArgNames(tool).map((arg) => arg.name);
  const out: Json = {};
  const pending: Json = {};
  for (const [key, value] of Object.entries(input)) {
    if (known.includes(key)) out[key] = value;
    else pending[key] = value;
  }
  for (const [key, value] of Object.entries(pending)) {
    const snake = key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/-/g, "_").toLowerCase();
    let target: string | undefined = known.includes(snake) ? snake : undefined;
    target ??= known.find((name) => !(name in out) && (ARG_ALIASES[name] ?? []).includes(snake));
    if (target !== undefined && !(target in out)) {
      out[target] = value;
      interventions.add("mapped_alias");
      notes.push(`argument "${key}" was read as "${target}"`);
      continue;
    }
    if ((snake === "lines" || snake === "line_range" || snake === "view_range" || snake === "range") && known.includes("start_line")) {
      const range = parseRange(value);
      if (range) {
        out.start_line ??= range[0];
        out.end_line ??= range[1];
        interventions.add("mapped_alias");
        notes.push(`"${key}" was read as start_line/end_line`);
        continue;
      }
    }
    interventions.add("mapped_alias");
    notes.push(`unknown argument "${key}" was ignored (${tool} takes: ${known.join(", ") || "no arguments"})`);
  }
  for (const key of ["start_line", "end_line"]) {
    const value = out[key];
    if (typeof value === "string" && /^\s*\d+\s*$/.test(value)) {
      out[key] = Number(value);
      interventions.add("mapped_alias");
    } else if (typeof value === "number" && Number.isFinite(value) && !Number.isInteger(value)) {
      out[key] = Math.round(value);
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
  const target = typeof out.path === "string" ? out.path : "";
  for (const key of ["content", "new_text"]) {
    const value = out[key];
    if (typeof value === "string" && !MARKDOWN.test(target)) {
      const stripped = stripOuterFence(value);
      if (stripped !== value) {
        out[key] = stripped;
        interventions.add("stripped_fence");
      }
    }
  }
  return out;
}

/** Resolves a tool name: exact, then case/`-`/`_`/camelCase, the alias table, edit distance ≤ 2. */
export function resolveToolName(raw: string, tools: readonly ToolName[]): ToolName | null {
  const exact = tools.find((tool) => tool === raw);
  if (exact) return exact;
  const squash = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase().replace(/[\s.-]+/g, "_");
  const name = squash(raw.trim());
  const byForm = tools.find((tool) => tool === name || tool.replaceAll("_", "") === name.replaceAll("_", ""));
  if (byForm) return byForm;
  const alias = TOOL_ALIASES[name];
  if (alias && tools.includes(alias)) return alias;
  const near = tools.filter((tool) => editDistance(tool, name) <= 2);
  return near.length === 1 ? (near[0] ?? null) : null;
}

/** One outer ``` fence around a whole file: small models add it even when told not to. */
export function stripOuterFence(text: string): string {
  const match = /^\s*(`{3,}|~{3,})[^\n`]*\n([\s\S]*?)\n?\1\s*$/.exec(text);
  return match ? (match[2] ?? "") + (text.endsWith("\n") ? "\n" : "") : text;
}

function parseRange(value: unknown): [number, number] | null {
  if (Array.isArray(value) && value.length === 2 && value.every((v) => Number.isInteger(Number(v)))) {
    return [Number(value[0]), Number(value[1])];
  }
  if (typeof value === "string") {
    const match = /^\s*(\d+)\s*(?:-|–|:|\.\.|,|to)\s*(\d+)\s*$/.exec(value);
    if (match) return [Number(match[1]), Number(match[2])];
  }
  return null;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] ?? 0;
      row[j] = Math.min(above + 1, (row[j - 1] ?? 0) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length] ?? 0;
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
