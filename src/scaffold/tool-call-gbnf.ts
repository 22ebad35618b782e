import { z } from "zod";
import { CONSTRAINED_CALL_SCHEMAS, type ToolName } from "../protocol/tool-schemas.js";

/**
 * A llama.cpp GBNF grammar (syntax: llama.cpp `grammars/README.md`) for exactly one tool call
 * `{"thought": string, "tool": "<name>", "args": {...}}` of the given tools, generated from the
 * constrained variants of the zod schemas that validate the reply (the same with the thought
 * required: see CONSTRAINED_CALL_SCHEMAS), so that grammar and validator cannot drift apart.
 *
 * What the grammar adds on top of the schemas, as generation constraints (zod still accepts
 * these variations, the grammar never produces them):
 * - keys come in schema order (`thought` first, so the model reasons before it picks a tool);
 * - no duplicate keys, no `\u` escapes inside keys or the tool name;
 * - whitespace is one space or a newline plus up to 20 spaces/tabs between tokens (unbounded
 *   whitespace lets a small model loop on newlines), none before `{` or after the final `}`;
 * - integers are written plainly (`12`, not `12.0` or `1.2e1`) with at most 15 digits.
 *
 * Schemas the generator cannot translate exactly make it throw instead of emitting a looser
 * grammar: a silently wider grammar would let through calls the validator then rejects.
 */
export function toolCallGbnf(tools: readonly ToolName[]): string {
  const unique = [...new Set(tools)];
  if (unique.length === 0) throw new Error("toolCallGbnf: at least one tool is required");

  const used = new Set<ValueRule>();
  const ruleNames = new Map<string, string>();
  const claim = (rule: string, owner: string): string => {
    const previous = ruleNames.get(rule);
    if (previous !== undefined && previous !== owner) {
      throw new Error(`toolCallGbnf: ${owner} and ${previous} both map to the GBNF rule name "${rule}"`);
    }
    ruleNames.set(rule, owner);
    return rule;
  };
  for (const reserved of ["root", "thought", "call", "ws", "char", ...VALUE_RULE_ORDER]) claim(reserved, "the grammar");

  let thought: { required: boolean; value: ValueRule } | undefined;
  const callLines: string[] = [];
  const callRules: string[] = [];

  for (const tool of unique) {
    const schema = objectSchema(z.toJSONSchema(CONSTRAINED_CALL_SCHEMAS[tool]), tool);
    const keys = Object.keys(schema.properties);
    if (keys.join(",") !== "thought,tool,args" && keys.join(",") !== "tool,args") {
      throw new Error(`toolCallGbnf: ${tool} must have the keys thought?, tool, args in that order; found ${keys.join(", ")}`);
    }

    const thoughtSchema = schema.properties.thought;
    if (thoughtSchema !== undefined) {
      const value = valueRule(thoughtSchema, `${tool}.thought`);
      const required = schema.required.includes("thought");
      if (thought && (thought.value !== value || thought.required !== required)) {
        throw new Error(`toolCallGbnf: ${tool}.thought differs from the other tools' thought`);
      }
      thought = { required, value };
    } else if (thought) {
      throw new Error(`toolCallGbnf: ${tool} has no thought while other tools do`);
    }
    if (!schema.required.includes("tool") || !schema.required.includes("args")) {
      throw new Error(`toolCallGbnf: ${tool} must require both tool and args`);
    }

    const toolSchema = schema.properties.tool;
    if (toolSchema?.const !== tool) throw new Error(`toolCallGbnf: ${tool}.tool must be the literal "${tool}"`);

    const base = claim(ruleName(tool, tool), tool);
    const argsRule = claim(`${base}-args`, `${tool}.args`);
    const args = objectSchema(schema.properties.args, `${tool}.args`);

    const members: { rule: string; required: boolean }[] = [];
    const memberLines: string[] = [];
    for (const [arg, argSchema] of Object.entries(args.properties)) {
      const value = valueRule(argSchema, `${tool}.args.${arg}`);
      used.add(value);
      const rule = claim(`${base}-${ruleName(arg, `${tool}.args.${arg}`)}`, `${tool}.args.${arg}`);
      members.push({ rule, required: args.required.includes(arg) });
      memberLines.push(`${rule} ::= ${literal(JSON.stringify(arg))} ws ":" ws ${value} ws`);
    }

    callRules.push(base);
    callLines.push(
      `${base} ::= ${literal(JSON.stringify(tool))} ws "," ws ${literal('"args"')} ws ":" ws ${argsRule}`,
      `${argsRule} ::= ${joinMembers(members, "\"{\" ws", "\"}\"")}`,
      ...memberLines,
    );
  }

  const lines = [
    `root ::= "{" ws ${thought ? `thought${thought.required ? "" : "?"} ` : ""}${literal('"tool"')} ws ":" ws call ws "}"`,
  ];
  if (thought) {
    used.add(thought.value);
    lines.push(`thought ::= ${literal('"thought"')} ws ":" ws ${thought.value} ws "," ws`);
  }
  lines.push(`call ::= ${callRules.join(" | ")}`, ...callLines);
  for (const rule of VALUE_RULE_ORDER) if (used.has(rule)) lines.push(`${rule} ::= ${VALUE_RULES[rule]}`);
  if (used.has("string") || used.has("nonempty-string")) lines.push(`char ::= ${CHAR_RULE}`);
  lines.push(`ws ::= ${WS_RULE}`);
  return `${lines.join("\n")}\n`;
}

type ValueRule = "string" | "nonempty-string" | "positive-int";

const VALUE_RULE_ORDER: readonly ValueRule[] = ["string", "nonempty-string", "positive-int"];

const VALUE_RULES: Record<ValueRule, string> = {
  string: '"\\"" char* "\\""',
  "nonempty-string": '"\\"" char+ "\\""',
  // 15 digits stay below 2^53, so every integer the grammar allows is one zod's z.int() accepts.
  "positive-int": "[1-9] [0-9]{0,14}",
};

// JSON's string characters (RFC 8259 §7): anything but `"`, `\` and C0 controls, or an escape.
const CHAR_RULE = '[^"\\\\\\x00-\\x1F] | "\\\\" ( ["\\\\/bfnrt] | "u" [0-9a-fA-F]{4} )';

// llama.cpp's own json-schema-to-grammar whitespace: bounded, so a model cannot loop on newlines.
const WS_RULE = '| " " | "\\n"{1,2} [ \\t]{0,20}';

interface ObjectSchema {
  properties: Record<string, JsonSchema>;
  required: string[];
}

interface JsonSchema {
  type?: unknown;
  const?: unknown;
  properties?: unknown;
  required?: unknown;
  additionalProperties?: unknown;
  minLength?: unknown;
  minimum?: unknown;
  maximum?: unknown;
  [key: string]: unknown;
}

/** Keywords that only document a schema and do not change which values it accepts. */
const ANNOTATIONS = new Set(["description", "title", "$schema", "examples"]);

function objectSchema(schema: unknown, where: string): ObjectSchema {
  const s = asSchema(schema, where);
  assertKeywords(s, ["type", "properties", "required", "additionalProperties"], where);
  if (s.type !== "object" || s.additionalProperties !== false) {
    throw new Error(`toolCallGbnf: ${where} must be a strict object (no unknown keys); got ${JSON.stringify(s)}`);
  }
  const properties: Record<string, JsonSchema> = {};
  if (s.properties !== undefined) {
    if (typeof s.properties !== "object" || s.properties === null) throw new Error(`toolCallGbnf: ${where}.properties is not an object`);
    for (const [key, value] of Object.entries(s.properties)) properties[key] = asSchema(value, `${where}.${key}`);
  }
  const required = Array.isArray(s.required) ? s.required.filter((k): k is string => typeof k === "string") : [];
  return { properties, required };
}

function valueRule(schema: JsonSchema, where: string): ValueRule {
  if (schema.type === "string" && schema.const === undefined) {
    assertKeywords(schema, ["type", "minLength"], where);
    // zod's min(1) counts UTF-16 units; one JSON character or escape is always at least one, so
    // "non-empty" is exact. Longer minimums would need code-unit counting GBNF cannot express.
    if (schema.minLength === undefined || schema.minLength === 0) return "string";
    if (schema.minLength === 1) return "nonempty-string";
  }
  if (schema.type === "integer") {
    assertKeywords(schema, ["type", "minimum", "maximum"], where);
    const max = schema.maximum;
    if (schema.minimum === 1 && (max === undefined || (typeof max === "number" && max >= Number.MAX_SAFE_INTEGER))) {
      return "positive-int";
    }
  }
  throw new Error(`toolCallGbnf: ${where} has a schema the GBNF generator cannot express exactly: ${JSON.stringify(schema)}`);
}

function asSchema(value: unknown, where: string): JsonSchema {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`toolCallGbnf: ${where} is not a JSON schema object`);
  }
  return value as JsonSchema;
}

function assertKeywords(schema: JsonSchema, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(schema)) {
    if (!allowed.includes(key) && !ANNOTATIONS.has(key)) {
      throw new Error(`toolCallGbnf: ${where} uses "${key}", which the GBNF generator does not translate`);
    }
  }
}

/**
 * The members of an object in schema order with commas only between present members: after the
 * first present member every later one is independently there or not (`("," ws m)?`); before
 * it, an optional member either starts the list or is skipped.
 */
function joinMembers(members: readonly { rule: string; required: boolean }[], open: string, close: string): string {
  const afterFirst = (from: number): string[] =>
    members.slice(from).map((m) => (m.required ? `"," ws ${m.rule}` : `( "," ws ${m.rule} )?`));
  const fromStart = (from: number): string => {
    const member = members[from];
    if (!member) return "";
    const present = [member.rule, ...afterFirst(from + 1)].join(" ");
    if (member.required) return present;
    const absent = fromStart(from + 1);
    if (absent === "") return `${present.includes(" ") ? `( ${present} )` : present}?`;
    return `( ${present} | ${absent} )`;
  };
  return [open, fromStart(0), close].filter((part) => part !== "").join(" ");
}

/** GBNF rule names allow only letters, digits and `-` (llama.cpp `is_word_char`). */
function ruleName(name: string, owner: string): string {
  const rule = name.replace(/_/g, "-");
  if (!/^[a-zA-Z0-9-]+$/.test(rule)) throw new Error(`toolCallGbnf: ${owner}: "${name}" cannot become a GBNF rule name`);
  return rule;
}

/** A GBNF string literal matching `text` exactly. */
function literal(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === "\\") out += `\\${ch}`;
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}
