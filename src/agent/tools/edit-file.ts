import type { ToolCallOf } from "../../protocol/tool-schemas.js";
import { MAX_FILE_BYTES } from "../../workspace/create-workspace.js";
import { findClosestLines } from "./find-closest-lines.js";
import { numberLines } from "./number-lines.js";
import { splitLines } from "./read-file.js";
import type { Observation } from "../../protocol/observation.js";
import type { ToolContext } from "./tool-context.js";
import { TOOL_RESULT } from "../../protocol/tool-messages.js";

/**
 * `edit_file`: replace `old_text`, which must occur exactly once. The failure messages are the
 * point: small models converge when told precisely what is wrong (aider's "did you mean these
 * actual lines"). A match that ignores indentation is applied only when unique, and said so.
 */
export async function editFile(call: ToolCallOf<"edit_file">, ctx: ToolContext): Promise<Observation> {
  const { old_text: oldText, new_text: newText } = call.args;
  const permitted = ctx.workspace.checkWrite(call.args.path);
  if (!permitted.ok) return { ok: false, text: `Cannot edit: ${permitted.reason}.`, wrongFile: true };
  const read = await ctx.workspace.readText(call.args.path);
  if (!read.ok) {
    const hint = read.reason.endsWith("does not exist") ? " Use write_file to create a new file." : "";
    return { ok: false, text: `Cannot edit: ${read.reason}.${hint}` };
  }
  const path = read.path;
  const text = read.text;
  const crlf = text.includes("\r\n");
  const toFile = (s: string) => (crlf ? s.replace(/\r?\n/g, "\r\n") : s);
  const oldInFile = toFile(oldText);
  const newInFile = toFile(newText);
  if (oldText === newText) {
    return { ok: false, text: "old_text and new_text are identical, so nothing would change. Put the corrected code in new_text." };
  }

  const positions = occurrences(text, oldInFile);
  if (positions.length === 1) {
    const at = positions[0] ?? 0;
    return apply(ctx, path, text.slice(0, at) + newInFile + text.slice(at + oldInFile.length), at, newInFile, "");
  }
  if (positions.length > 1) {
    const lines = positions.map((p) => lineOf(text, p));
    return {
      ok: false,
      text: `old_text occurs ${positions.length} times in ${path} (at lines ${lines.join(", ")}). Include more of the surrounding lines in old_text so that it matches exactly once.`,
    };
  }

  const loose = matchIgnoringIndentation(text, oldInFile, newInFile);
  if (loose.kind === "unique") {
    return apply(ctx, path, loose.result, loose.at, loose.replacement, " (matched ignoring indentation; new_text was re-indented to fit)");
  }
  if (loose.kind === "many") {
    return {
      ok: false,
      text: `old_text was not found exactly in ${path}; ignoring indentation it matches ${loose.lines.length} places (lines ${loose.lines.join(", ")}). Copy the exact lines from read_file, with more context.`,
    };
  }

  const lines = splitLines(text);
  const closest = findClosestLines(lines, splitLines(oldText));
  let message = `old_text was not found in ${path}.`;
  if (closest) {
    message += ` The closest lines are ${closest.start}-${closest.end}:\n${numberLines(lines.slice(closest.start - 1, closest.end), closest.start)}\nCopy the exact text (without the line numbers) into old_text and try again.`;
  } else {
    message += " Read the file first and copy the exact text you want to replace.";
  }
  // The scope layer may find old_text in another file and say so (a wrong-file edit).
  return { ok: false, text: message, oldTextMissingFrom: path };
}

async function apply(
  ctx: ToolContext,
  path: string,
  result: string,
  at: number,
  replacement: string,
  note: string,
): Promise<Observation> {
  const written = await ctx.workspace.writeText(path, result);
  if (!written.ok) return { ok: false, text: `Cannot edit: ${written.reason}.` };
  const lines = splitLines(result);
  const first = lineOf(result, at);
  const last = Math.max(first, lineOf(result, at + Math.max(0, replacement.length - 1)));
  const from = Math.max(1, first - 2);
  const to = Math.min(lines.length, last + 2);
  const changed = replacement === "" ? `deleted text at line ${first}` : `lines ${first}-${last} are new`;
  return {
    ok: true,
    text: `${TOOL_RESULT.edited}${path}${note}: ${changed}. Lines ${from}-${to} now read:\n${numberLines(lines.slice(from - 1, to), from)}`,
    wrote: path,
  };
}

function occurrences(haystack: string, needle: string): number[] {
  const found: number[] = [];
  let from = 0;
  for (;;) {
    const at = haystack.indexOf(needle, from);
    if (at < 0) return found;
    found.push(at);
    from = at + 1;
  }
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

type LooseMatch =
  | { kind: "none" }
  | { kind: "many"; lines: number[] }
  | { kind: "unique"; result: string; at: number; replacement: string };

/** Aider's second rung: the same lines with different leading/trailing whitespace. */
function matchIgnoringIndentation(text: string, oldText: string, newText: string): LooseMatch {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const fileLines = text.split(eol);
  const oldLines = oldText.split(/\r?\n/);
  while (oldLines.length > 1 && oldLines[oldLines.length - 1]?.trim() === "") oldLines.pop();
  while (oldLines.length > 1 && oldLines[0]?.trim() === "") oldLines.shift();
  const wanted = oldLines.map((line) => line.trim());
  if (wanted.every((line) => line === "")) return { kind: "none" };
  const starts: number[] = [];
  for (let i = 0; i + wanted.length <= fileLines.length; i++) {
    let same = true;
    for (let j = 0; j < wanted.length && same; j++) same = (fileLines[i + j] ?? "").trim() === wanted[j];
    if (same) starts.push(i);
  }
  if (starts.length === 0) return { kind: "none" };
  if (starts.length > 1) return { kind: "many", lines: starts.map((s) => s + 1) };
  const start = starts[0] ?? 0;
  const matched = fileLines.slice(start, start + wanted.length);
  const fileIndent = indentOf(matched);
  const oldIndent = indentOf(oldLines);
  // Re-indent only for a uniform shift; mixed differences mean the model's structure is off,
  // and applying its new_text would garble the file's indentation.
  const uniform = oldLines.every((line, i) => {
    const target = matched[i] ?? "";
    if (line.trim() === "") return true;
    return line.startsWith(oldIndent) && target.startsWith(fileIndent) && line.slice(oldIndent.length).match(/^[ \t]*/)?.[0] === target.slice(fileIndent.length).match(/^[ \t]*/)?.[0];
  });
  if (!uniform) return { kind: "none" };
  const replacementLines = newText.split(/\r?\n/).map((line) => reindent(line, oldIndent, fileIndent));
  const before = fileLines.slice(0, start);
  const after = fileLines.slice(start + wanted.length);
  const replacement = replacementLines.join(eol);
  const prefix = before.length > 0 ? before.join(eol) + eol : "";
  const result = prefix + replacement + (after.length > 0 ? eol + after.join(eol) : "");
  if (Buffer.byteLength(result) > MAX_FILE_BYTES) return { kind: "none" };
  return { kind: "unique", result, at: prefix.length, replacement };
}

function indentOf(lines: readonly string[]): string {
  const first = lines.find((line) => line.trim() !== "");
  return first ? (/^[ \t]*/.exec(first)?.[0] ?? "") : "";
}

function reindent(line: string, from: string, to: string): string {
  if (line.trim() === "") return line;
  if (line.startsWith(from)) return to + line.slice(from.length);
  return line;
}
