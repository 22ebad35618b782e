import type { ToolCallOf } from "../../protocol/tool-schemas.js";
import { splitLines } from "./read-file.js";
import type { Observation } from "../../protocol/observation.js";
import type { ToolContext } from "./tool-context.js";
import { TOOL_RESULT } from "../../protocol/tool-messages.js";

/** "// ... rest of the file unchanged": a lazy rewrite that would delete the code it elides. */
const ELISION = /^\s*(?:\/\/|#|\/\*|<!--|--|\*)?\s*(?:\.\.\.|…)\s*(?:\(?\s*)?(?:rest|remaining|existing|other|unchanged|previous|same|more)\b/im;

/** `write_file`: create a file or replace a whole file (only allowed files). */
export async function writeFile(call: ToolCallOf<"write_file">, ctx: ToolContext): Promise<Observation> {
  const permitted = ctx.workspace.checkWrite(call.args.path);
  if (!permitted.ok) return { ok: false, text: `Cannot write: ${permitted.reason}.`, wrongFile: true };
  const content = call.args.content;
  const before = await ctx.workspace.readText(call.args.path);
  if (before.ok && ELISION.test(content) && !ELISION.test(before.text)) {
    return {
      ok: false,
      text: `The new content of ${permitted.path} contains an elision comment ("... rest unchanged"); write_file replaces the whole file, so that would delete code. Write the complete file, or use edit_file to change only part of it.`,
    };
  }
  const written = await ctx.workspace.writeText(call.args.path, content);
  if (!written.ok) return { ok: false, text: `Cannot write: ${written.reason}.` };
  const lines = splitLines(content).length;
  return {
    ok: true,
    text: `${written.created ? TOOL_RESULT.created : TOOL_RESULT.replaced}${written.path} (${lines} line${lines === 1 ? "" : "s"}).`,
    wrote: written.path,
  };
}
