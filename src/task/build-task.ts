import { validateAllowedPattern } from "./allowed-files.js";
import { classifyTask, type TaskKind } from "./classify-task.js";
import { parseIssueText, type RefusedPattern } from "./parse-issue-text.js";
import { sanitizeIssueText } from "./sanitize-issue-text.js";

export interface Task {
  kind: TaskKind;
  title: string;
  /** Sanitized issue body (HTML comments and invisible characters removed). */
  body: string;
  /** Globs writes are confined to (empty for questions). */
  allowed: string[];
  /** Why the task was classified as it was, for the report and logs. */
  kindReason: string;
  /** Extra instructions, e.g. the text after `/fix` on a pull request. */
  instructions: string | null;
}

export type BuildTaskResult = { ok: true; task: Task } | { ok: false; message: string };

export const ALLOWED_FILES_SYNTAX = [
  "Name the files the agent may change in the issue, under a heading (globs allowed):",
  "",
  "    ### Allowed files",
  "    - src/utils/format.ts",
  "    - test/**/*.test.ts",
  "",
  "or on one line: `Allowed files: src/utils/format.ts, test/format.test.ts`.",
  "Paths are relative to the repository root; `..`, absolute paths and `.git/` are refused.",
].join("\n");

/**
 * Turns an issue (or a CLI task file) into a task: sanitized text, allowed files (issue entries
 * plus `--allow`, else the repo config's defaults), and its kind. A change task with no allowed
 * files, or with a hostile entry, is refused with a message that shows the syntax.
 */
export function buildTask(params: {
  title?: string;
  body?: string;
  text?: string;
  labels?: readonly string[];
  /** `--allow` globs from the command line. */
  extraAllowed?: readonly string[];
  /** Default globs from `.github/local-agent.yml`, used when the issue names none. */
  defaultAllowed?: readonly string[];
  instructions?: string | null;
}): BuildTaskResult {
  const parts = parseIssueText({ title: params.title, body: params.body, text: params.text });
  const refused: RefusedPattern[] = [...parts.refused];
  const allowed = [...parts.allowed];
  for (const entry of params.extraAllowed ?? []) {
    const check = validateAllowedPattern(entry);
    if (!check.ok) refused.push({ entry, reason: check.reason });
    else if (!allowed.includes(check.pattern)) allowed.push(check.pattern);
  }
  if (parts.title === "") {
    return { ok: false, message: "The task has no text: give an issue title and body (a first line is the title)." };
  }
  if (refused.length > 0) {
    const lines = refused.map((r) => `- \`${r.entry}\`: ${r.reason}`);
    return {
      ok: false,
      message: ["Some allowed-file entries were refused, so nothing will run:", ...lines, "", ALLOWED_FILES_SYNTAX].join("\n"),
    };
  }
  const classified = classifyTask({
    title: parts.title,
    body: parts.body,
    labels: params.labels,
    hasAllowedFiles: allowed.length > 0,
  });
  if (classified.kind === "change" && allowed.length === 0) {
    for (const entry of params.defaultAllowed ?? []) {
      const check = validateAllowedPattern(entry);
      if (check.ok && !allowed.includes(check.pattern)) allowed.push(check.pattern);
    }
  }
  if (classified.kind === "change" && allowed.length === 0) {
    return {
      ok: false,
      message: [
        `This is a change task (${classified.reason}), but it names no allowed files, so the agent will not edit anything.`,
        "",
        ALLOWED_FILES_SYNTAX,
      ].join("\n"),
    };
  }
  return {
    ok: true,
    task: {
      kind: classified.kind,
      title: parts.title,
      body: parts.body,
      allowed: classified.kind === "question" ? [] : allowed,
      kindReason: classified.reason,
      instructions: params.instructions && sanitizeIssueText(params.instructions).trim() ? sanitizeIssueText(params.instructions).trim() : null,
    },
  };
}
