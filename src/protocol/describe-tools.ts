import { toolArgNames, type ToolName } from "./tool-schemas.js";

const PURPOSE: Record<ToolName, string> = {
  list_files: "list the files under a folder",
  read_file: "show numbered lines of a file (1-based, inclusive)",
  search: "find a regex or text in the files; shows file:line",
  edit_file: "replace old_text with new_text; old_text must occur exactly once, copied exactly (without line numbers)",
  write_file: "create a file, or replace a whole file",
  run_tests: "run the repository's tests",
  finish: "end the task once your change is made and the tests pass",
  answer: "give your answer and end the task",
};

/** The compact tool list used in the system prompt and in schema re-injection. */
export function describeTools(tools: readonly ToolName[]): string {
  return tools
    .map((tool) => {
      const args = toolArgNames(tool)
        .map((arg) => `${arg.name}${arg.required ? "" : "?"}`)
        .join(", ");
      return `- ${tool}(${args}): ${PURPOSE[tool]}`;
    })
    .join("\n");
}
