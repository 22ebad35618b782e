import type { ToolCall } from "../../protocol/tool-schemas.js";

/**
 * Kinds of malformed reply:
 * - `args`: tool-call hallucination, the right intent in a wrong shape or with wrong argument names;
 * - `drift`: a schema the model used correctly before, now with a field dropped or renamed;
 * - `forget`: the tool list has slipped out of the model's attention (long context), so it calls
 *   tools or formats from other agents.
 */
export type CorruptionCategory = "args" | "drift" | "forget";

export interface CorruptReply {
  content: string;
  /** The shape's name, for the transcript and tests. */
  shape: string;
}

type Pick = (label: string) => number;

/**
 * A malformed version of `call` in one of the shapes small models really emit (scaffolding anchors
 * §8: fenced JSON, prose around the call, wrong argument names, `{"name","arguments"}`, Python
 * dicts, trailing commas, cut-off JSON, tools from other agents, several calls in one reply, XML
 * tags, stringified arguments, missing required arguments). `pick` supplies the dice.
 */
export function corruptCall(call: ToolCall, category: CorruptionCategory, pick: Pick): CorruptReply {
  const table = SHAPES[category].filter(([, , applies]) => applies(call));
  const total = table.reduce((sum, [, weight]) => sum + weight, 0);
  let u = pick(`shape-${category}`) * total;
  for (const [name, weight, , make] of table) {
    u -= weight;
    if (u < 0) return { content: make(call, pick), shape: name };
  }
  // Every category has shapes that apply to any call, so the table is never empty.
  const last = table[table.length - 1];
  if (!last) throw new Error(`corruptCall: no ${category} shape applies to ${call.tool}`);
  return { content: last[3](call, pick), shape: last[0] };
}

type Shape = [name: string, weight: number, applies: (call: ToolCall) => boolean, make: (call: ToolCall, pick: Pick) => string];

const always = () => true;
const hasArgs = (call: ToolCall) => Object.keys(call.args).length > 0;

const SHAPES: Record<CorruptionCategory, Shape[]> = {
  args: [
    ["fenced_json", 3, always, (call) => `\`\`\`json\n${JSON.stringify(call, null, 2)}\n\`\`\``],
    ["prose_before_call", 3, always, (call) => `${lead(call)}\n\n${JSON.stringify(call)}`],
    ["prose_after_call", 1, always, (call) => `${JSON.stringify(call)}\n\nThis should show me where the problem is.`],
    ["wrong_arg_names", 4, hasArgs, (call) => JSON.stringify({ thought: call.thought, tool: call.tool, args: renameArgs(call) })],
    ["name_arguments", 2, always, (call) => JSON.stringify({ name: call.tool, arguments: call.args })],
    ["python_dict", 2, always, (call) => pythonDict({ tool: call.tool, args: call.args })],
    ["trailing_commas", 2, always, (call) => trailingCommas(call)],
    ["unterminated_json", 2, hasArgs, (call) => cutInsideLastString(JSON.stringify(call))],
    ["other_agent_tool", 2, always, (call) => JSON.stringify(otherAgentTool(call))],
    ["two_calls", 1, (call) => call.tool !== "finish" && call.tool !== "answer", (call) => `${JSON.stringify(call)}\n${JSON.stringify({ tool: call.tool === "run_tests" ? "finish" : "run_tests", args: call.tool === "run_tests" ? { summary: "Fixed." } : {} })}`],
    ["xml_function_tags", 1, always, (call) => xmlFunction(call)],
    ["stringified_args", 1, hasArgs, (call) => JSON.stringify({ tool: call.tool, args: JSON.stringify(call.args) })],
    ["args_at_top_level", 1, hasArgs, (call) => JSON.stringify({ tool: call.tool, ...call.args })],
    ["literal_backslash_n", 1, always, (call) => JSON.stringify(call).replace(',"args":', ',\\n"args":')],
  ],
  drift: [
    ["missing_required_arg", 5, (call) => requiredArgs(call).length > 0, (call, pick) => JSON.stringify({ thought: call.thought, tool: call.tool, args: dropRequired(call, pick) })],
    ["extra_arg", 2, always, (call) => JSON.stringify({ tool: call.tool, args: { ...call.args, ...extraArg(call) } })],
    ["camel_case_args", 2, (call) => Object.keys(call.args).some((key) => key.includes("_")), (call) => JSON.stringify({ tool: call.tool, args: camelArgs(call) })],
    ["missing_tool_field", 1, always, (call) => JSON.stringify({ thought: call.thought ?? "Next step.", args: call.args })],
  ],
  forget: [
    ["invented_tool", 4, always, (call) => JSON.stringify(inventedTool(call))],
    ["openai_function_shape", 2, always, (call) => JSON.stringify({ type: "function", function: { name: call.tool, arguments: JSON.stringify(call.args) } })],
    ["cline_xml", 1, always, (call) => clineXml(call)],
  ],
};

function lead(call: ToolCall): string {
  switch (call.tool) {
    case "read_file":
      return `Let me look at ${call.args.path} to understand the code.`;
    case "search":
      return `I'll search for ${call.args.pattern} first.`;
    case "edit_file":
      return `I found the bug. Here is the fix for ${call.args.path}:`;
    case "run_tests":
      return "Now let me run the tests to verify the fix.";
    case "finish":
      return "The tests pass, so the task is done.";
    default:
      return "Next step:";
  }
}

const ALIASES: Record<string, string> = {
  path: "file",
  old_text: "old_string",
  new_text: "new_string",
  pattern: "query",
  content: "contents",
  summary: "message",
  text: "answer",
};

function renameArgs(call: ToolCall): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  const source = call.args as Record<string, unknown>;
  if (call.tool === "read_file" && source.start_line === undefined) {
    // Cline/Claude habits: a line range the schema never had.
    args.file = source.path;
    args.lines = "1-200";
    return args;
  }
  for (const [key, value] of Object.entries(source)) args[ALIASES[key] ?? key] = value;
  return args;
}

function pythonDict(value: unknown): string {
  if (typeof value === "string") return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n")}'`;
  if (typeof value === "number") return String(value);
  if (typeof value === "boolean") return value ? "True" : "False";
  if (value === null || value === undefined) return "None";
  if (Array.isArray(value)) return `[${value.map(pythonDict).join(", ")}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return `{${entries.map(([k, v]) => `'${k}': ${pythonDict(v)}`).join(", ")}}`;
}

function trailingCommas(call: ToolCall): string {
  const args = Object.entries(call.args as Record<string, unknown>).map(([k, v]) => `"${k}": ${JSON.stringify(v)},`);
  return `{"tool": "${call.tool}", "args": {${args.join(" ")}},}`;
}

/** A reply that stops inside its last string value (the model ran out of steam, or of tokens). */
function cutInsideLastString(json: string): string {
  const lastQuote = json.lastIndexOf('":"');
  const from = lastQuote >= 0 ? lastQuote + 3 : Math.floor(json.length / 2);
  const end = json.lastIndexOf('"');
  const cut = from + Math.max(1, Math.floor((end - from) * 0.6));
  return json.slice(0, Math.min(cut, json.length - 3));
}

/** Tool names of other agents' protocols; some are in our alias table, some are not. */
function otherAgentTool(call: ToolCall): Record<string, unknown> {
  const a = call.args as Record<string, unknown>;
  switch (call.tool) {
    case "read_file":
      return { tool: "open_file", args: { path: a.path } };
    case "search":
      return { tool: "grep", args: { pattern: a.pattern, path: a.path } };
    case "list_files":
      return { tool: "ls", args: { path: a.path ?? "." } };
    case "edit_file":
      return { tool: "str_replace_editor", args: { command: "str_replace", path: a.path, old_str: a.old_text, new_str: a.new_text } };
    case "write_file":
      return { tool: "create_file", args: { path: a.path, content: a.content } };
    case "run_tests":
      return { tool: "execute_command", args: { command: "npm test" } };
    case "finish":
      return { tool: "attempt_completion", args: { result: a.summary } };
    case "answer":
      return { tool: "final_answer", args: { answer: a.text } };
  }
}

function inventedTool(call: ToolCall): Record<string, unknown> {
  const a = call.args as Record<string, unknown>;
  switch (call.tool) {
    case "read_file":
      return { tool: "get_file_contents", args: { filename: a.path } };
    case "search":
      return { tool: "run_shell", args: { cmd: `grep -rn "${String(a.pattern)}" .` } };
    case "list_files":
      return { tool: "run_shell", args: { cmd: "ls -R" } };
    case "edit_file":
      return { tool: "apply_patch", args: { patch: `--- a/${String(a.path)}\n+++ b/${String(a.path)}\n-${String(a.old_text)}\n+${String(a.new_text)}` } };
    case "write_file":
      return { tool: "save_document", args: { name: a.path, body: a.content } };
    case "run_tests":
      return { tool: "run_shell", args: { cmd: "npm test" } };
    case "finish":
      return { tool: "task_done", args: { notes: a.summary } };
    case "answer":
      return { tool: "reply_to_user", args: { message: a.text } };
  }
}

function xmlFunction(call: ToolCall): string {
  const params = Object.entries(call.args as Record<string, unknown>)
    .map(([k, v]) => `<parameter=${k}>\n${typeof v === "string" ? v : JSON.stringify(v)}\n</parameter>`)
    .join("\n");
  return `<function=${call.tool}>\n${params}\n</function>`;
}

function clineXml(call: ToolCall): string {
  const params = Object.entries(call.args as Record<string, unknown>)
    .map(([k, v]) => `<${k}>${typeof v === "string" ? v : JSON.stringify(v)}</${k}>`)
    .join("\n");
  return `<${call.tool}>\n${params}\n</${call.tool}>`;
}

const REQUIRED: Record<string, readonly string[]> = {
  read_file: ["path"],
  search: ["pattern"],
  edit_file: ["path", "old_text", "new_text"],
  write_file: ["path", "content"],
  finish: ["summary"],
  answer: ["text"],
};

function requiredArgs(call: ToolCall): readonly string[] {
  return REQUIRED[call.tool] ?? [];
}

function dropRequired(call: ToolCall, pick: Pick): Record<string, unknown> {
  const required = requiredArgs(call);
  const drop = required[Math.floor(pick("drop") * required.length)] ?? required[0];
  const args = { ...(call.args as Record<string, unknown>) };
  if (drop !== undefined) delete args[drop];
  return args;
}

function extraArg(call: ToolCall): Record<string, unknown> {
  switch (call.tool) {
    case "run_tests":
      return { command: "npm test" };
    case "read_file":
      return { encoding: "utf-8" };
    case "search":
      return { case_sensitive: false };
    case "edit_file":
      return { replace_all: false };
    case "finish":
      return { status: "success" };
    default:
      return { recursive: true };
  }
}

function camelArgs(call: ToolCall): Record<string, unknown> {
  return Object.fromEntries(Object.entries(call.args as Record<string, unknown>).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]));
}
