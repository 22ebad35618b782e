import type { ToolName } from "../../protocol/tool-schemas.js";
import { exampleCall } from "../../protocol/example-call.js";
import type { ReplyError } from "./validate-call.js";

/** The tool used in generic examples: read_file when offered (every task has it), else the first tool. */
export function fallbackTool(tools: readonly ToolName[]): ToolName {
  return tools.includes("read_file") ? "read_file" : (tools[0] ?? "read_file");
}

export function truncatedError(tools: readonly ToolName[]): ReplyError {
  const large = tools.includes("edit_file") ? " change a large file with edit_file and a small old_text instead of rewriting it with write_file," : "";
  return {
    code: "truncated",
    tool: null,
    message: `Your reply was cut off before the call was complete (it hit the output token limit), so it was not run. Send a shorter call:${large} keep "thought" to one sentence. Example: ${exampleCall(tools.includes("edit_file") ? "edit_file" : fallbackTool(tools))}`,
  };
}

/**
 * A string left open although the model stopped by itself (done_reason "stop"): a dropped quote,
 * not a cut-off reply, so the advice is about syntax, not length.
 */
export function unclosedStringError(tools: readonly ToolName[]): ReplyError {
  return invalidJsonError("a string is never closed: a double quote is missing, e.g. after a key", tools);
}

export function invalidJsonError(detail: string, tools: readonly ToolName[]): ReplyError {
  return {
    code: "invalid_json",
    tool: null,
    message: `Your reply is not valid JSON (${detail}). Reply with only the JSON object: strings in double quotes, with \\" for a quote and \\n for a newline inside them, no markdown fence, no text before or after it. Example: ${exampleCall(fallbackTool(tools))}`,
  };
}

export function noCallMessage(tools: readonly ToolName[]): string {
  return `Your reply has no tool call. Every reply must be exactly one JSON object, for example ${exampleCall(fallbackTool(tools))}. If you are done, call ${tools.includes("answer") ? "answer" : "finish"}.`;
}

/**
 * An error about a call written in another syntax, prefixed with what was found, so the model
 * sees both what it sent and (in the message) the shape to send instead.
 */
export function foundIn(error: ReplyError, found: { family: string; name: string } | undefined): ReplyError {
  if (!found) return error;
  return { ...error, message: `Found a ${found.family} call to "${found.name}" in your reply, not the {"tool", "args"} JSON this agent reads. ${error.message}` };
}
