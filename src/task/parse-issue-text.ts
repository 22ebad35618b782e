import { validateAllowedPattern } from "./allowed-files.js";
import { sanitizeIssueText } from "./sanitize-issue-text.js";

export interface RefusedPattern {
  entry: string;
  reason: string;
}

export interface IssueParts {
  title: string;
  body: string;
  /** Allowed-file globs found in the issue, validated and normalized. */
  allowed: string[];
  /** Entries that were refused, with why (shown to the user). */
  refused: RefusedPattern[];
}

const HEADING = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/;
const ALLOWED_HEADING = /^\**\s*allowed[\s_-]+files\s*:?\s*\**$/i;
const BOLD_LABEL = /^\s*\*\*\s*allowed[\s_-]+files\s*:?\s*\*\*\s*:?\s*$/i;
/**
 * `Allowed files: a.ts`, optionally bulleted, with the label in matched emphasis (`**Allowed
 * files:**`, `**Allowed files**:`, `*Allowed files:*`, `__…__`). Only the label's own markers are
 * consumed: the value starts right after them, so `Allowed files: *.ts` keeps its `*`.
 */
const INLINE = /^\s*(?:[-*+]\s+)?(?:(\*\*|__|\*|_)\s*allowed[\s_-]+files\s*(?::\s*\1|\1\s*:)|allowed[\s_-]+files\s*:)[ \t]*(.+)$/i;
const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const EMPTY_FORM_VALUE = /^_?no response_?$/i;

/**
 * Splits issue text into title and body and reads its "Allowed files" (DESIGN §3): a heading of
 * any level, or a bold label line, followed by a bullet list, a fenced block or plain lines; or
 * one inline line `Allowed files: a.ts, src/**\/*.test.ts`. The text is sanitized first, so an
 * allowed-files list hidden in an HTML comment does not count.
 */
export function parseIssueText(params: { title?: string; body?: string; text?: string }): IssueParts {
  let title = sanitizeIssueText(params.title ?? "").trim();
  let body = sanitizeIssueText(params.body ?? "");
  if (params.text !== undefined) {
    const lines = sanitizeIssueText(params.text).split("\n");
    const first = lines.findIndex((line) => line.trim() !== "");
    if (first >= 0) {
      const line = lines[first] ?? "";
      title = (HEADING.exec(line)?.[1] ?? line).trim();
      body = lines.slice(first + 1).join("\n");
    }
  }
  const entries = findAllowedEntries(body);
  const allowed: string[] = [];
  const refused: RefusedPattern[] = [];
  for (const entry of entries) {
    const check = validateAllowedPattern(entry);
    if (check.ok) {
      if (!allowed.includes(check.pattern)) allowed.push(check.pattern);
    } else {
      refused.push({ entry, reason: check.reason });
    }
  }
  return { title, body: body.trim(), allowed, refused };
}

function findAllowedEntries(body: string): string[] {
  const lines = body.split("\n");
  const entries: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const heading = HEADING.exec(line);
    const isSection =
      (heading !== null && ALLOWED_HEADING.test((heading[1] ?? "").trim())) || BOLD_LABEL.test(line);
    if (isSection) {
      i = readSection(lines, i + 1, entries) - 1;
      continue;
    }
    const inline = INLINE.exec(line);
    if (inline?.[2]) entries.push(...splitList(inline[2], "all-tokens"));
  }
  return entries;
}

/** Reads entries after an "Allowed files" heading until the next heading; returns the next index. */
function readSection(lines: string[], start: number, entries: string[]): number {
  let i = start;
  let fence: string | null = null;
  for (; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const fenceMatch = FENCE.exec(line);
    if (fence !== null) {
      if (fenceMatch && fenceMatch[1]?.[0] === fence[0] && (fenceMatch[1]?.length ?? 0) >= fence.length) {
        fence = null;
        continue;
      }
      entries.push(...splitList(line, "all-tokens"));
      continue;
    }
    if (fenceMatch?.[1]) {
      fence = fenceMatch[1];
      continue;
    }
    if (HEADING.test(line) || BOLD_LABEL.test(line)) break;
    const item = line.replace(/^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?/, "");
    if (item.trim() === "") continue;
    const bullet = item !== line;
    // A plain prose line (not a bullet, not a path list) ends the section.
    if (!bullet && /\s/.test(item.trim()) && !item.includes(",") && !item.includes("`")) break;
    entries.push(...splitList(item, "first-token"));
  }
  return i;
}

/**
 * `all-tokens`: every comma- or space-separated token is an entry (inline lines, fenced blocks).
 * `first-token`: per comma-separated piece only the first token counts, so a bullet like
 * "- src/a.ts (the parser)" yields just the path. Backticked entries are taken whole. Globs stay
 * exactly as written (`*.ts`, `**`, `src/{a,b}.ts`): commas inside braces do not split.
 */
function splitList(text: string, mode: "all-tokens" | "first-token"): string[] {
  const backticked = [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? "");
  const source =
    backticked.length > 0
      ? backticked
      : mode === "all-tokens"
        ? splitOutsideBraces(text, /[,\s]/)
        : splitOutsideBraces(text, /,/).map((piece) => piece.trim().split(/\s+/)[0] ?? "");
  return source
    .map((entry) => unwrapEmphasis(entry.trim()))
    .filter((entry) => entry !== "" && !EMPTY_FORM_VALUE.test(entry) && entry !== "-");
}

function splitOutsideBraces(text: string, separator: RegExp): string[] {
  const pieces: string[] = [];
  let depth = 0;
  let current = "";
  for (const char of text) {
    if (char === "{") depth++;
    if (char === "}" && depth > 0) depth--;
    if (depth === 0 && separator.test(char)) {
      pieces.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  pieces.push(current);
  return pieces;
}

/**
 * `**src/a.ts**` in a bullet is a bold path, not a glob: the pair is dropped, but only around a
 * plain path (no glob characters, no leading or trailing `/`), so `**`, `**\/x/**` and
 * `**\/*.ts` stay as written.
 */
function unwrapEmphasis(entry: string): string {
  const match = /^(\*\*|__)([^*_/][^*?[\]{}]*[^*_/])\1$/.exec(entry);
  return match?.[2] ?? entry;
}
