import type { FoundCall } from "./found-call.js";
import { readJsonArgs } from "./read-json-args.js";
import { readAttributes, readChildren, trimPadding } from "./xml-parts.js";

const FAMILY = "XML wrapper";

/** Invented call wrappers; `<tool_call>` and `<function_calls>` too when they hold no JSON and no `<function=`/`<invoke>`. */
const WRAPPER = /<(tool_call|toolcall|function_call|tool_use|tool|function_calls)>([\s\S]*?)(?:<\/\1>|$)/g;
/** An element holding the tool's name. `<name>` counts only inside a wrapper: alone it is too common. */
const NAME_TAGS = "function-name|function_name|tool_name|tool-name|function";
const NAME_ELEMENT = new RegExp(`<(${NAME_TAGS}|name)>\\s*([A-Za-z_][\\w.:-]*)\\s*</\\1>`);
const LOOSE_NAME_ELEMENT = new RegExp(`<(${NAME_TAGS})>\\s*([A-Za-z_][\\w.:-]*)\\s*</\\1>`, "g");
/** An element holding the arguments, as JSON or as child elements. */
const ARGS_ELEMENT = /^\s*<(arguments|parameters|params|args|input|tool_arguments|function-args|function-params|function_args|args-json-object)>([\s\S]*?)<\/\1>/;
/** MiniCPM5's dialect: `<function name="x"><param name="k">v</param></function>`. */
const NAMED_FUNCTION = /<function\s+(name\s*=\s*(?:"[^"]*"|'[^']*'))\s*>([\s\S]*?)<\/function>/g;
/** Bodies another finder reads: Qwen/OpenHands tags, `<invoke>`, or a JSON call (Hermes `<tool_call>{…}`). */
const OTHER_SYNTAX = /<function\s*=|<invoke\s|<parameter\s*=|^\s*[[{]/;

/**
 * Calls inside XML that models invent around a name and arguments (corpus: mlx-omni-server,
 * picoclaw, MiniCPM5, the Qwen template's `<function-name>` placeholder):
 * `<tool_call><function>read_file</function>{"path": …}</tool_call>`,
 * `<function_call><name>x</name><arguments>{…}</arguments></function_call>`,
 * `<tool><name>x</name><arguments><k>v</k></arguments></tool>`,
 * `<toolcall><shell>{…}</shell></toolcall>` (inside a wrapper, the element *is* the tool, whatever
 * its name), `<function-name>x</function-name><args-json-object>{…}</args-json-object>`, and
 * `<function name="x"><param name="k">v</param></function>`.
 */
export function findXmlWrapperCalls(text: string): FoundCall[] {
  const calls: FoundCall[] = [];
  for (const wrapper of text.matchAll(WRAPPER)) {
    const body = wrapper[2] ?? "";
    if (OTHER_SYNTAX.test(body)) continue;
    const found = nameAndArgs(body, NAME_ELEMENT) ?? toolElement(body);
    if (found) calls.push({ ...found, start: wrapper.index, end: wrapper.index + wrapper[0].length });
  }
  for (const element of text.matchAll(LOOSE_NAME_ELEMENT)) {
    const found = nameAndArgs(text.slice(element.index), new RegExp(LOOSE_NAME_ELEMENT.source));
    if (found) calls.push({ ...found, start: element.index, end: element.index + found.length });
  }
  for (const fn of text.matchAll(NAMED_FUNCTION)) {
    const name = readAttributes(fn[1] ?? "").name ?? "";
    const args = readChildren(fn[2] ?? "") ?? (fn[2]?.trim() === "" ? {} : null);
    if (args === null) continue;
    calls.push(base(name, args, fn.index, fn.index + fn[0].length));
  }
  return calls;
}

type Partial = Omit<FoundCall, "start" | "end"> & { length: number };

/** A name element, then an arguments element or a bare JSON object (`<function>x</function>\n{…}`). */
function nameAndArgs(body: string, nameElement: RegExp): Partial | null {
  const match = nameElement.exec(body);
  if (!match) return null;
  const name = match[2] ?? "";
  const after = match.index + match[0].length;
  const rest = body.slice(after);
  const element = ARGS_ELEMENT.exec(rest);
  if (element) {
    const inner = element[2] ?? "";
    const args = inner.trim().startsWith("{") ? jsonArgs(inner) : { args: readChildren(inner) ?? {}, truncated: false };
    return { ...base(name, args.args, 0, 0), ...args, length: after + element[0].length };
  }
  if (rest.trim().startsWith("{")) {
    const { consumed, repaired: _repaired, ...json } = readJsonArgs(rest, { required: true });
    return { ...base(name, json.args, 0, 0), ...json, length: after + consumed };
  }
  return { ...base(name, {}, 0, 0), length: after };
}

/** Inside a wrapper: one element named after the tool, holding JSON or argument elements. */
function toolElement(body: string): Partial | null {
  const match = /^\s*<([A-Za-z_][\w.-]*)>([\s\S]*?)<\/\1>\s*$/.exec(body);
  if (!match) return null;
  const inner = match[2] ?? "";
  const args = inner.trim().startsWith("{") ? jsonArgs(inner) : { args: readChildren(inner) ?? (inner.trim() === "" ? {} : null), truncated: false };
  if (args.args === null && !args.truncated) return null;
  return { ...base(match[1] ?? "", args.args, 0, 0), ...args, length: body.length };
}

function jsonArgs(text: string): Pick<FoundCall, "args" | "truncated" | "problem"> {
  const { consumed: _consumed, repaired: _repaired, ...json } = readJsonArgs(trimPadding(text), { required: true });
  return json;
}

function base(name: string, args: Record<string, unknown> | null, start: number, end: number): FoundCall {
  return { name, args, start, end, truncated: false, repaired: false, mapped: true, family: FAMILY };
}
