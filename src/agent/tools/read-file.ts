import type { ToolCallOf } from "../../protocol/tool-schemas.js";
import { numberLines } from "./number-lines.js";
import type { Observation } from "../../protocol/observation.js";
import type { ToolContext } from "./tool-context.js";
import { TOOL_RESULT } from "../../protocol/tool-messages.js";

/** Lines shown when no range is given; more would drown a small model's context. */
export const DEFAULT_READ_LINES = 400;

/** `read_file`: numbered lines of a text file, optionally a 1-based inclusive range. */
export async function readFile(call: ToolCallOf<"read_file">, ctx: ToolContext): Promise<Observation> {
  const read = await ctx.workspace.readText(call.args.path);
  if (!read.ok) return { ok: false, text: `${TOOL_RESULT.cannotRead}${read.reason}.` };
  const lines = splitLines(read.text);
  const total = lines.length;
  if (total === 0) return { ok: true, text: `${read.path} is empty (0 lines).`, readKey: `read:${read.path}:all` };
  const start = call.args.start_line ?? 1;
  if (start > total) {
    return { ok: false, text: `${read.path} has ${total} lines; start_line ${start} ${TOOL_RESULT.pastTheEnd}.` };
  }
  let end = call.args.end_line ?? Math.min(total, start + DEFAULT_READ_LINES - 1);
  if (end < start) {
    return { ok: false, text: `end_line (${end}) ${TOOL_RESULT.beforeStart} (${start}); both are 1-based and inclusive.` };
  }
  end = Math.min(end, total);
  const body = numberLines(lines.slice(start - 1, end), start);
  const whole = start === 1 && end === total;
  const header = whole ? `${read.path} (${total} lines):` : `${read.path} lines ${start}-${end} of ${total}:`;
  const footer = end < total && call.args.end_line === undefined ? `\n[${total - end} more lines; read them with start_line ${end + 1}]` : "";
  return { ok: true, text: `${header}\n${body}${footer}`, readKey: `read:${read.path}:${start}-${end}` };
}

export function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines.map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line));
}
