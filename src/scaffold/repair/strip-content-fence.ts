import type { ToolCall } from "../../protocol/tool-schemas.js";
import { stripOuterFence } from "./normalize-call-shape.js";

const MARKDOWN = /\.(md|markdown|mdx|rst|txt)$/i;

/**
 * Removes one outer markdown fence from `write_file` content and `edit_file` new_text: small
 * models wrap whole files in ```` ```ts ```` even when told not to, and the fence would end up in
 * the file. Markdown targets keep their fences (a README may be one code block), and so does a
 * new_text whose old_text is fenced too (the file then really contains the fence).
 */
export function stripContentFence(call: ToolCall): { call: ToolCall; note: string | null } {
  if (call.tool === "write_file" && !MARKDOWN.test(call.args.path)) {
    const content = stripOuterFence(call.args.content);
    if (content !== call.args.content) {
      return { call: { ...call, args: { ...call.args, content } }, note: "the ``` fence around content was removed; send file content without a fence" };
    }
  }
  if (call.tool === "edit_file" && !MARKDOWN.test(call.args.path) && stripOuterFence(call.args.old_text) === call.args.old_text) {
    const newText = stripOuterFence(call.args.new_text);
    if (newText !== call.args.new_text) {
      return { call: { ...call, args: { ...call.args, new_text: newText } }, note: "the ``` fence around new_text was removed; send new_text without a fence" };
    }
  }
  return { call, note: null };
}
