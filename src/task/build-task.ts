import { allowsEveryTopLevelFile, validateAllowedPattern } from "./allowed-files.js";
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
  /**
   * The only allowed entry is a glob that allows every file (`*`, `**`): accepted because it was
   * given alone, and said plainly in the report and the pull request ("all files allowed").
   * Set by `buildTask`; absent means false.
   */
  allFilesAllowed?: boolean;
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
  "Paths are relative to the repository root; `..`, absolute paths, `.git/` and `.github/workflows/` are refused.",
  "`*` or `**` allows every file, and only when it is the one entry.",
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
  const broad = broadEntryRefusals(allowed);
  if (broad.length > 0) {
    const lines = broad.map((r) => `- \`${r.entry}\`: ${r.reason}`);
    return { ok: false, message: ["Some allowed-file entries were refused, so nothing will run:", ...lines, "", ALLOWED_FILES_SYNTAX].join("\n") };
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
      allFilesAllowed: classified.kind === "change" && allowed.length === 1 && allowsEveryTopLevelFile(allowed[0] ?? ""),
      kindReason: classified.reason,
      instructions: params.instructions && sanitizeIssueText(params.instructions).trim() ? sanitizeIssueText(params.instructions).trim() : null,
    },
  };
}

/**
 * `*` next to other entries is most likely a slip (a mangled `*.ts`, a stray bullet) and would
 * silently allow package.json and every build script: such an entry is accepted only alone.
 */
function broadEntryRefusals(allowed: readonly string[]): RefusedPattern[] {
  if (allowed.length < 2) return [];
  return allowed.filter(allowsEveryTopLevelFile).map((entry) => ({
    entry,
    reason:
      "it allows every file in the repository's top folder (package.json, build scripts, …), which next to other entries looks " +
      "like a slip; name the files, or give it as the only entry to allow all files",
  }));
}
