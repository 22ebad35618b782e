import type { ToolCall, ToolName } from "./tool-schemas.js";

const EXAMPLES: { [N in ToolName]: Extract<ToolCall, { tool: N }> } = {
  list_files: { thought: "See what is in src.", tool: "list_files", args: { path: "src" } },
  read_file: { thought: "Read the function.", tool: "read_file", args: { path: "src/app.js", start_line: 1, end_line: 40 } },
  search: { thought: "Find where it is defined.", tool: "search", args: { pattern: "function parseDate" } },
  edit_file: {
    thought: "Fix the comparison.",
    tool: "edit_file",
    args: { path: "src/app.js", old_text: "if (a > b) {", new_text: "if (a >= b) {" },
  },
  write_file: { thought: "Create the helper.", tool: "write_file", args: { path: "src/helper.js", content: "export const x = 1;\n" } },
  run_tests: { thought: "Check the fix.", tool: "run_tests", args: {} },
  finish: { thought: "Tests pass.", tool: "finish", args: { summary: "Fixed the off-by-one in parseDate." } },
  answer: { thought: "I found it.", tool: "answer", args: { text: "parseDate is defined in src/date.js, line 12." } },
};

/** A valid call of the given tool, as compact JSON: shown in the prompt and in retry messages. */
export function exampleCall(tool: ToolName): string {
  return JSON.stringify(EXAMPLES[tool]);
}
