import type { ToolName } from "../../protocol/tool-schemas.js";
import { exampleCall } from "../../protocol/example-call.js";
import type { ParsedReply, ReplyInput } from "./parsed-reply.js";
import { fallbackTool, invalidJsonError, noCallMessage, truncatedError } from "./reply-errors.js";
import { scanJsonObjects } from "./scan-json-objects.js";
import { validateCall, type ReplyError } from "./validate-call.js";

/**
 * The strict reading, and the `raw_valid` measure: native `tool_calls`, or the whole content as
 * JSON, validated with no change. Its errors are still specific (each shows a call to copy).
 */
export function parseStrictReply(reply: ReplyInput, tools: readonly ToolName[]): ParsedReply {
  const native = reply.toolCalls ?? [];
  if (native.length > 1) {
    return strictFailure({
      code: "multiple",
      tool: null,
      message: `Send exactly one tool call per reply; you sent ${native.length} (${native.map((call) => call.function.name).join(", ")}). Send the first one now and the others in later replies. Example: ${exampleCall(fallbackTool(tools))}`,
    });
  }
  const first = native[0];
  if (first) {
    const validated = validateCall({ tool: first.function.name, args: first.function.arguments }, tools);
    return validated.ok ? { ok: true, call: validated.call, rawValid: true, interventions: [], notes: [], families: [] } : strictFailure(validated.error);
  }
  const text = reply.content.trim();
  if (text === "") {
    return strictFailure({
      code: "empty",
      tool: null,
      message: `Your reply was empty. The task is not finished: reply with one tool call as JSON, for example ${exampleCall(fallbackTool(tools))}`,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    if (reply.doneReason === "length") return strictFailure(truncatedError(tools));
    if (!text.includes("{")) return strictFailure({ code: "no_call", tool: null, message: noCallMessage(tools) });
    const count = scanJsonObjects(text).length;
    if (count > 1) {
      return strictFailure({
        code: "multiple",
        tool: null,
        message: `Send exactly one JSON object per reply; yours had ${count}. Send the first call now and the others in later replies. Example: ${exampleCall(fallbackTool(tools))}`,
      });
    }
    return strictFailure(invalidJsonError(error instanceof Error ? error.message : String(error), tools));
  }
  const validated = validateCall(value, tools);
  return validated.ok ? { ok: true, call: validated.call, rawValid: true, interventions: [], notes: [], families: [] } : strictFailure(validated.error);
}

export function strictFailure(error: ReplyError): ParsedReply {
  return { ok: false, error, rawValid: false, interventions: [], notes: [], families: [] };
}
