import type { Task } from "../../task/build-task.js";

/** File names shown up front cost ~1k tokens at most (Aider's repo-map budget) and save list calls. */
const FILE_LIST_CHARS = 3500;

/** The first user message: the issue, what may change, how to test, which files exist. */
export function buildTaskMessage(params: { task: Task; files: readonly string[]; testCommand: string | null }): string {
  const { task, files, testCommand } = params;
  const parts = [`# ${task.title}`, "", task.body.trim() || "(no description)"];
  if (task.instructions) parts.push("", "## Additional instructions", task.instructions);
  if (task.kind === "change") {
    parts.push("", `Files you may change: ${task.allowed.join(", ")}`);
    parts.push(testCommand ? `Tests: run_tests runs \`${testCommand}\`.` : "This repository has no test command; run_tests is unavailable.");
  }
  let listing = "";
  let shown = 0;
  for (const file of files) {
    if (listing.length + file.length + 1 > FILE_LIST_CHARS) break;
    listing += `${file}\n`;
    shown++;
  }
  const more = files.length > shown ? `(${files.length - shown} more; use list_files or search)\n` : "";
  parts.push("", `Repository files (${files.length}):`, listing + more);
  return parts.join("\n").trimEnd();
}
