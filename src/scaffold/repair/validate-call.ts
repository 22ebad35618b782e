import { TOOL_CALL_SCHEMAS, TOOL_NAMES, toolArgNames, type ToolCall, type ToolName } from "../../agent/tool-schemas.js";
import { exampleCall } from "../example-call.js";

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
    return fail("no_call", null, `Your reply must be one JSON object like ${exampleCall(tools[0] ?? "read_file")}.`);
  }
  const record = candidate as Record<string, unknown>;
  const toolValue = record.tool;
  if (typeof toolValue !== "string") {
    return fail("no_call", null, `The JSON object needs a "tool" field naming one of: ${tools.join(", ")}. Example: ${exampleCall(tools[0] ?? "read_file")}`);
  }
  if (!(TOOL_NAMES as readonly string[]).includes(toolValue)) {
    return fail("unknown_tool", toolValue, `"${toolValue}" is not a tool. The tools are: ${tools.join(", ")}.`);
  }
  const tool = toolValue as ToolName;
  if (!tools.includes(tool)) {
    return fail(
      "tool_not_available",
      tool,
      `${tool} is not available for this task. Available tools: ${tools.join(", ")}.`,
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
  if (missing.length > 0) {
    const sent = Object.keys(given).length > 0 ? ` You sent: ${Object.keys(given).join(", ")}.` : "";
    return fail("missing_arg", tool, `${tool} needs ${missing.map((m) => `"${m}"`).join(" and ")}.${sent} It takes: ${signature}. Example: ${example}`);
  }
  const unknown = Object.keys(given).filter((key) => !spec.some((arg) => arg.name === key));
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

function fail(code: ReplyErrorCode, tool: string | null, message: string): ValidatedCall {
  return { ok: false, error: { code, tool, message } };
}
