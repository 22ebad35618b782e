import { isWriteTool, TOOL_CALL_SCHEMAS, TOOL_NAMES, toolArgNames, type ToolCall, type ToolName } from "../../protocol/tool-schemas.js";
import { exampleCall } from "../../protocol/example-call.js";
import { nearToolNames } from "./near-tool-names.js";

/**
 * SWE-agent's error taxonomy, so each kind gets its own precise message (a vague error makes small
 * models resend the same call byte for byte).
 */
export type ReplyErrorCode =
  | "empty"
  | "no_call"
  | "invalid_json"
  | "truncated"
  | "multiple"
  | "unknown_tool"
  | "tool_not_available"
  | "missing_arg"
  | "unexpected_arg"
  | "wrong_type";

export interface ReplyError {
  code: ReplyErrorCode;
  /** Shown to the model: what is wrong, the field, the expected shape. */
  message: string;
  /** The tool the reply seemed to aim at, when one could be made out. */
  tool: string | null;
}

export type ValidatedCall = { ok: true; call: ToolCall } | { ok: false; error: ReplyError };

/** Validates a `{thought?, tool, args}` candidate against the tools offered in this task. */
export function validateCall(candidate: unknown, tools: readonly ToolName[]): ValidatedCall {
  if (typeof candidate !== "object" || candidate === null || Array.isArray(candidate)) {
    return fail("no_call", null, `Your reply must be one JSON object like ${exampleCall(fallbackTool(tools))}.`);
  }
  const record = candidate as Record<string, unknown>;
  const toolValue = record.tool;
  if (typeof toolValue !== "string") {
    return fail("no_call", null, `The JSON object needs a "tool" field naming one of: ${tools.join(", ")}. Example: ${exampleCall(fallbackTool(tools))}`);
  }
  if (!(TOOL_NAMES as readonly string[]).includes(toolValue)) {
    return fail("unknown_tool", toolValue, unknownToolMessage(toolValue, tools));
  }
  const tool = toolValue as ToolName;
  if (!tools.includes(tool)) {
    const readOnly = !tools.some((t) => t === "edit_file" || t === "write_file");
    const hint = readOnly && isWriteTool(tool) ? " This task is a question: files are not changed; read what you need, then call answer." : "";
    return fail(
      "tool_not_available",
      tool,
      `${tool} is not available for this task.${hint} Available tools: ${tools.join(", ")}. Example: ${exampleCall(fallbackTool(tools))}`,
    );
  }
  const parsed = TOOL_CALL_SCHEMAS[tool].safeParse(candidate);
  if (parsed.success) return { ok: true, call: parsed.data };

  const args = record.args;
  const spec = toolArgNames(tool);
  const signature = spec.map((arg) => `${arg.name}${arg.required ? " (required)" : ""}`).join(", ") || "no arguments";
  const example = exampleCall(tool);
  if (typeof args !== "object" || args === null || Array.isArray(args)) {
    return fail("wrong_type", tool, `"args" must be an object. ${tool} takes: ${signature}. Example: ${example}`);
  }
  const given = args as Record<string, unknown>;
  const missing = spec.filter((arg) => arg.required && given[arg.name] === undefined).map((arg) => arg.name);
  const unknown = Object.keys(given).filter((key) => !spec.some((arg) => arg.name === key));
  if (missing.length > 0) {
    const sent = Object.keys(given).length > 0 ? ` You sent: ${Object.keys(given).join(", ")}.` : "";
    const extra = unknown.length > 0 ? ` It does not take ${unknown.map((u) => `"${u}"`).join(", ")}.` : "";
    return fail("missing_arg", tool, `${tool} needs ${missing.map((m) => `"${m}"`).join(" and ")}.${sent}${extra} It takes: ${signature}. Example: ${example}`);
  }
  if (unknown.length > 0) {
    return fail("unexpected_arg", tool, `${tool} does not take ${unknown.map((u) => `"${u}"`).join(", ")}. It takes: ${signature}. Example: ${example}`);
  }
  const unknownTop = Object.keys(record).filter((key) => !["thought", "tool", "args"].includes(key));
  if (unknownTop.length > 0) {
    return fail("unexpected_arg", tool, `The call has unknown fields ${unknownTop.map((u) => `"${u}"`).join(", ")}; only "thought", "tool" and "args" are allowed. Example: ${example}`);
  }
  const issue = parsed.error.issues[0];
  const where = issue ? issue.path.filter((p) => p !== "args").join(".") : "";
  const problem = issue ? issue.message : "invalid";
  return fail("wrong_type", tool, `${tool}: "${where || "args"}" is invalid (${problem}). It takes: ${signature}. Example: ${example}`);
}

function unknownToolMessage(name: string, tools: readonly ToolName[]): string {
  const squashed = name.trim().replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase().replace(/[\s.-]+/g, "_");
  const near = nearToolNames(squashed, tools);
  const parts = [`"${name}" is not a tool.`];
  // Two near names are never guessed between: the model has to say which one it meant.
  if (near.length > 1) parts.push(`Did you mean ${near.join(" or ")}?`);
  // Models trained on OpenHands/SWE-agent trajectories reach for a shell first; say there is none.
  if (/(?:^|_)(?:bash|shell|terminal|command|exec|execute|cmd|python|run)(?:_|$)/.test(squashed)) {
    parts.push(
      tools.includes("run_tests")
        ? "There is no shell: run the test suite with run_tests, and inspect code with search, read_file and list_files."
        : "There is no shell: inspect code with search, read_file and list_files.",
    );
  }
  parts.push(`The tools are: ${tools.join(", ")}. Example: ${exampleCall(near[0] ?? fallbackTool(tools))}`);
  return parts.join(" ");
}

/** The tool used in generic examples: read_file when offered (every task has it), else the first tool. */
function fallbackTool(tools: readonly ToolName[]): ToolName {
  return tools.includes("read_file") ? "read_file" : (tools[0] ?? "read_file");
}

function fail(code: ReplyErrorCode, tool: string | null, message: string): ValidatedCall {
  return { ok: false, error: { code, tool, message } };
}
