import type { FoundCall } from "./found-call.js";
import { readJsonArgs } from "./read-json-args.js";

/** The shape the other finders share; kept under this name for the XML finder's callers. */
export type TaggedCall = FoundCall;

const QWEN = "Qwen3-Coder XML";
const INVOKE = "Anthropic-style <invoke> XML";
const DEEPSEEK = "DeepSeek tool-call tokens";

// `<function=name>` with junk before `>` (`<function=calculator</function>`, seen in Qwen3-Coder-30B
// replies), `<invoke name="x">`, and `<tool_call>name` directly followed by a `<parameter=` tag.
const XML_OPEN = /<function\s*=\s*["']?([\w.-]+)["']?([^>]*)>|<invoke\s+name\s*=\s*"([\w.-]+)"\s*>|<tool_call>\s*([A-Za-z_][\w.-]*)\s*(?=<parameter\s*=)/g;
const XML_END = /<\/function>|<\/invoke>|<\/tool_call>|<function\s*=|<invoke\s/;
const PARAM = /<parameter(?:\s*=\s*["']?([\w.-]+)["']?|\s+name\s*=\s*"([\w.-]+)")\s*([>=])/g;
const PARAM_CLOSE = "</parameter>";
/**
 * Closing tags a body may end with that carry nothing: a doubled `</function>`, Qwen3.6's stray
 * `</function_invocation>`, the `</` left where generation stopped at the `</function` stop word.
 */
const STRAY_CLOSERS = /<\/[\w-]*>?/g;
const DEEPSEEK_CALL = /<[|｜]tool[▁_ ]call[▁_ ]begin[|｜]>\s*(?:function)?\s*<[|｜]tool[▁_ ]sep[|｜]>\s*([\w.-]+)\s*([\s\S]*?)(?=<[|｜]tool[▁_ ]call[▁_ ]end[|｜]>|<[|｜]tool[▁_ ]call[▁_ ]begin[|｜]>|$)/g;

/**
 * Finds calls written in the tag formats small models were trained on:
 * - OpenHands/Qwen3-Coder prompted function calling `<function=name><parameter=p>v</parameter></function>`
 *   (OpenHands `fn_call_converter.py`), tolerating a missing `</function>` or `</parameter>`
 *   (`_fix_stopword`), the malformed `<parameter=p=v</parameter>` (`_normalize_parameter_tags`), a
 *   broken header `<function=name</function>`, and `<tool_call>name` in place of `<function=name>`;
 * - Llama 3.1's `<function=name>{"p": "v"}</function>` (JSON body);
 * - Anthropic-style `<invoke name="x"><parameter name="p">v</parameter></invoke>`;
 * - DeepSeek's `<｜tool▁call▁begin｜>function<｜tool▁sep｜>name` + fenced JSON arguments.
 * Parameter values lose one leading and one trailing newline, as OpenHands and SWE-agent do. Text
 * after a closed parameter that belongs to none (`<parameter=body></parameter>\nDear John`) is not
 * guessed into one: the call is reported with a `problem`.
 */
export function findTaggedCalls(text: string): FoundCall[] {
  const calls: FoundCall[] = [];
  for (const open of text.matchAll(XML_OPEN)) {
    const name = open[1] ?? open[3] ?? open[4];
    if (!name) continue;
    const bodyStart = open.index + open[0].length;
    const rest = text.slice(bodyStart);
    const endAt = rest.search(XML_END);
    const body = endAt < 0 ? rest : rest.slice(0, endAt);
    const brokenHeader = (open[2] ?? "").trim() !== "" || open[4] !== undefined;
    const family = open[3] !== undefined ? INVOKE : QWEN;
    const args = xmlArgs(body);
    calls.push({ name, start: open.index, end: bodyStart + body.length, family, ...args, repaired: args.repaired || brokenHeader });
  }
  for (const match of text.matchAll(DEEPSEEK_CALL)) {
    const name = match[1];
    if (!name) continue;
    const body = (match[2] ?? "").trim();
    const fenced = /^(`{3,})[\w-]*[ \t]*\n?([\s\S]*?)(?:\n?\1\s*)?$/.exec(body);
    const { consumed: _consumed, ...args } = readJsonArgs(fenced?.[2] ?? body);
    calls.push({ name, start: match.index, end: match.index + match[0].length, family: DEEPSEEK, ...args });
  }
  return calls;
}

function xmlArgs(body: string): Pick<FoundCall, "args" | "truncated" | "repaired" | "problem"> {
  const params = [...body.matchAll(PARAM)];
  if (params.length === 0) {
    if (!body.trim().startsWith("{")) return { args: {}, truncated: false, repaired: false };
    const { consumed: _consumed, ...args } = readJsonArgs(body);
    return args;
  }
  const args: Record<string, unknown> = {};
  let problem: string | undefined;
  params.forEach((param, k) => {
    const key = param[1] ?? param[2];
    if (!key) return;
    const valueStart = param.index + param[0].length;
    const next = params[k + 1]?.index ?? body.length;
    const segment = body.slice(valueStart, next);
    const close = segment.indexOf(PARAM_CLOSE);
    const value = close >= 0 ? segment.slice(0, close) : segment;
    args[key] = value.replace(/^\n/, "").replace(/\n$/, "");
    const after = close >= 0 ? segment.slice(close + PARAM_CLOSE.length).replace(STRAY_CLOSERS, "").trim() : "";
    if (after !== "" && problem === undefined) {
      const clipped = after.length > 40 ? `${after.slice(0, 40)}…` : after;
      problem = `the text ${JSON.stringify(clipped)} after <parameter=${key}></parameter> is outside any parameter; put every value between <parameter=NAME> and </parameter>`;
    }
  });
  if (problem !== undefined) return { args: null, truncated: false, repaired: false, problem };
  return { args, truncated: false, repaired: false };
}
