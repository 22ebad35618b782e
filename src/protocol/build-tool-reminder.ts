import { exampleCall } from "./example-call.js";
import type { ToolName } from "./tool-schemas.js";
import { describeTools } from "./describe-tools.js";

/** Schema re-injection: the tool format again, as a fresh system message (fights schema drift). */
export function buildToolReminder(tools: readonly ToolName[]): string {
  return [
    "Reminder of the reply format. Reply with exactly one JSON object:",
    '{"thought": "<one short sentence>", "tool": "<tool name>", "args": {<arguments>}}',
    "Tools:",
    describeTools(tools),
    `Example: ${exampleCall(tools.includes("edit_file") ? "edit_file" : "read_file")}`,
  ].join("\n");
}
