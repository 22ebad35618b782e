import { parseLenientJson } from "./parse-lenient-json.js";
import { scanJsonObjects } from "./scan-json-objects.js";

export interface TaggedCall {
  /** The tool name as written. */
  name: string;
  /** The arguments: an object, or null when they were cut off (`truncated`) or are not JSON. */
  args: Record<string, unknown> | null;
  /** Where the call starts and ends in the text (calls are ranked by position). */
  start: number;
  end: number;
  /** The call was cut off inside its JSON arguments: it must not run. */
  truncated: boolean;
  /** The JSON arguments needed `jsonrepair`. */
  repaired: boolean;
}

const XML_OPEN = /<function\s*=\s*["']?([\w.-]+)["']?[^>]*>|<invoke\s+name\s*=\s*"([\w.-]+)"\s*>/g;
const XML_END = /<\/function>|<\/invoke>|<\/tool_call>|<function\s*=|<invoke\s/;
const PARAM = /<parameter(?:\s*=\s*["']?([\w.-]+)["']?|\s+name\s*=\s*"([\w.-]+)")\s*([>=])/g;
const DEEPSEEK = /<[|｜]tool[▁_ ]call[▁_ ]begin[|｜]>\s*(?:function)?\s*<[|｜]tool[▁_ ]sep[|｜]>\s*([\w.-]+)\s*([\s\S]*?)(?=<[|｜]tool[▁_ ]call[▁_ ]end[|｜]>|<[|｜]tool[▁_ ]call[▁_ ]begin[|｜]>|$)/g;

/**
 * Finds calls written in the tag formats small models were trained on:
 * - OpenHands/Qwen3-Coder prompted function calling `<function=name><parameter=p>v</parameter></function>`
 *   (OpenHands `fn_call_converter.py`), tolerating a missing `</function>` or `</parameter>`
 *   (`_fix_stopword`) and the malformed `<parameter=p=v</parameter>` (`_normalize_parameter_tags`);
 * - Llama 3.1's `<function=name>{"p": "v"}</function>` (JSON body);
 * - Anthropic-style `<invoke name="x"><parameter name="p">v</parameter></invoke>`;
 * - DeepSeek's `<｜tool▁call▁begin｜>function<｜tool▁sep｜>name` + fenced JSON arguments.
 * Parameter values lose one leading and one trailing newline, as OpenHands and SWE-agent do.
 */
export function findTaggedCalls(text: string): TaggedCall[] {
  const calls: TaggedCall[] = [];
  for (const open of text.matchAll(XML_OPEN)) {
    const name = open[1] ?? open[2];
    if (!name) continue;
    const bodyStart = open.index + open[0].length;
    const rest = text.slice(bodyStart);
    const endAt = rest.search(XML_END);
    const body = endAt < 0 ? rest : rest.slice(0, endAt);
    calls.push({ name, start: open.index, end: bodyStart + body.length, ...xmlArgs(body) });
  }
  for (const match of text.matchAll(DEEPSEEK)) {
    const name = match[1];
    if (!name) continue;
    const body = (match[2] ?? "").trim();
    const fenced = /^(`{3,})[\w-]*[ \t]*\n?([\s\S]*?)(?:\n?\1\s*)?$/.exec(body);
    calls.push({ name, start: match.index, end: match.index + match[0].length, ...jsonArgs(fenced?.[2] ?? body) });
  }
  return calls;
}

function xmlArgs(body: string): Pick<TaggedCall, "args" | "truncated" | "repaired"> {
  const params = [...body.matchAll(PARAM)];
  if (params.length === 0) {
    if (body.trim().startsWith("{")) return jsonArgs(body);
    return { args: {}, truncated: false, repaired: false };
  }
  const args: Record<string, unknown> = {};
  params.forEach((param, k) => {
    const key = param[1] ?? param[2];
    if (!key) return;
    const valueStart = param.index + param[0].length;
    const next = params[k + 1]?.index ?? body.length;
    const segment = body.slice(valueStart, next);
    const close = segment.indexOf("</parameter>");
    const value = close >= 0 ? segment.slice(0, close) : segment;
    args[key] = value.replace(/^\n/, "").replace(/\n$/, "");
  });
  return { args, truncated: false, repaired: false };
}

function jsonArgs(text: string): Pick<TaggedCall, "args" | "truncated" | "repaired"> {
  const [object] = scanJsonObjects(text);
  if (!object) return { args: {}, truncated: false, repaired: false };
  if (object.unterminatedString) return { args: null, truncated: true, repaired: false };
  const parsed = parseLenientJson(object.text);
  if (!parsed.ok || typeof parsed.value !== "object" || parsed.value === null || Array.isArray(parsed.value)) {
    return { args: null, truncated: false, repaired: false };
  }
  return { args: parsed.value as Record<string, unknown>, truncated: false, repaired: parsed.repaired };
}
