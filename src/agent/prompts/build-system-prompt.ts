import type { Task } from "../../task/build-task.js";
import { exampleCall } from "../../protocol/example-call.js";
import type { ToolName } from "../../protocol/tool-schemas.js";
import { describeTools } from "../../protocol/describe-tools.js";

/**
 * The system prompt. Short on purpose: small models follow a few concrete rules and one example
 * better than pages of guidance (Cline's compact variant for local models).
 */
export function buildSystemPrompt(params: { task: Task; tools: readonly ToolName[] }): string {
  const { task, tools } = params;
  const role =
    task.kind === "question"
      ? "You are a careful engineer answering a question about a git repository. You can only read files; you cannot change anything."
      : "You are a careful engineer fixing an issue in a git repository. You work only through tools.";
  const rules =
    task.kind === "question"
      ? [
          "Look at the code before you answer; do not guess.",
          "When you know the answer, call answer with a complete, specific answer (file names and line numbers help).",
        ]
      : [
          `You may change only these files: ${task.allowed.join(", ")}. Writes to any other file are refused.`,
          "Read a file before you edit it. Keep old_text short but unique, and copy it exactly.",
          "After editing, call run_tests. When the tests pass, call finish with a short summary.",
          "Make the smallest change that solves the issue. Do not edit tests unless the task asks for it.",
        ];
  return [
    role,
    "",
    "Reply with exactly one JSON object and nothing else (no markdown, no text around it):",
    '{"thought": "<one short sentence>", "tool": "<tool name>", "args": {<arguments>}}',
    "",
    "Tools:",
    describeTools(tools),
    "",
    "Rules:",
    ...rules.map((rule) => `- ${rule}`),
    "",
    "Example reply:",
    exampleCall(tools.includes("read_file") ? "read_file" : (tools[0] ?? "read_file")),
  ].join("\n");
}
