import { TOOL_NAMES, toolArgNames, type ToolName } from "../../protocol/tool-schemas.js";
import type { FoundCall } from "./found-call.js";
import { resolveToolName } from "./normalize-call-shape.js";
import { readJsonArgs } from "./read-json-args.js";
import { decodeEntities, readAttributes, readChildren, trimPadding } from "./xml-parts.js";

const FAMILY = "XML tool element";

/** An opening (or self-closing) tag with its attributes. */
const OPEN_TAG = /<([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;

/**
 * Calls written as an element named after the tool, the way Cline, Roo and AXE prompt for them and
 * small models imitate: `<read_file><path>a.ts</path></read_file>`, `<read_file path="a.ts" />`,
 * `<write_file path="a.ts">content</write_file>`, `<search>{"pattern": "x"}</search>`, and
 * `<invoke name="run_tests" />`. Without a marker like `<invoke>`, an element counts only if its
 * name is one of our tools (or an alias of one) *and* it looks like a call (attributes, argument
 * elements, JSON or text inside): `<br/>` or `<final>` in prose stay prose. Text inside is the
 * tool's one missing required argument; when that is not one argument, the call is reported with a
 * `problem` rather than guessed.
 */
export function findToolElementCalls(text: string): FoundCall[] {
  const calls: FoundCall[] = [];
  for (const open of text.matchAll(OPEN_TAG)) {
    const [whole, tag = "", attributeText = "", slash] = open;
    const attributes = readAttributes(attributeText);
    const invoke = tag === "invoke" && attributes.name !== undefined;
    const tool = invoke ? null : resolveToolName(tag, TOOL_NAMES);
    if (!invoke && tool === null) continue;
    // `<invoke name="x" …/>` names the tool by attribute; on a tool element, `name` is an argument.
    const { name: invokeName = tag, ...invokeArgs } = attributes;
    const args = invoke ? invokeArgs : attributes;
    const name = invoke ? invokeName : tag;
    if (slash === "/") {
      if (!invoke && Object.keys(args).length === 0) continue;
      calls.push({ name, args, start: open.index, end: open.index + whole.length, truncated: false, repaired: false, mapped: true, family: FAMILY });
      continue;
    }
    const bodyStart = open.index + whole.length;
    const closeAt = text.indexOf(`</${tag}>`, bodyStart);
    if (closeAt < 0 || invoke) continue;
    const body = text.slice(bodyStart, closeAt);
    const read = readBody(body, args, tool);
    if (read === null) continue;
    calls.push({ name, start: open.index, end: closeAt + tag.length + 3, repaired: false, mapped: true, family: FAMILY, ...read });
  }
  return calls;
}

function readBody(body: string, attributes: Record<string, string>, tool: ToolName | null): Pick<FoundCall, "args" | "problem" | "truncated"> | null {
  const inner = body.trim();
  if (inner === "") return Object.keys(attributes).length > 0 ? { args: attributes, truncated: false } : null;
  if (inner.startsWith("{")) {
    const { consumed: _consumed, repaired: _repaired, ...json } = readJsonArgs(inner, { required: true });
    return json.args === null ? json : { ...json, args: { ...attributes, ...json.args } };
  }
  const children = readChildren(body);
  if (children !== null) return { args: { ...attributes, ...children }, truncated: false };
  if (/<[A-Za-z_/]/.test(inner) || tool === null) return null;
  // Text inside the element: the one required argument the attributes did not give.
  const missing = toolArgNames(tool).filter((arg) => arg.required && !(arg.name in attributes));
  const only = toolArgNames(tool);
  const target = missing.length === 1 ? missing[0]?.name : missing.length === 0 && only.length === 1 ? only[0]?.name : undefined;
  if (target === undefined) {
    return { args: null, truncated: false, problem: `the text inside <${tool}> could be any of ${missing.map((arg) => arg.name).join(", ") || "no argument"}; give each argument its own element or attribute` };
  }
  return { args: { ...attributes, [target]: decodeEntities(trimPadding(body)) }, truncated: false };
}
