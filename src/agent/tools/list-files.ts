import type { ToolCallOf } from "../../protocol/tool-schemas.js";
import { normalizeRepoPath } from "../../workspace/normalize-repo-path.js";
import type { Observation } from "../../protocol/observation.js";
import type { ToolContext } from "./tool-context.js";
import { TOOL_RESULT } from "../../protocol/tool-messages.js";

const MAX_ENTRIES = 300;

/** `list_files`: tracked (and untracked, not ignored) files under a folder. */
export async function listFiles(call: ToolCallOf<"list_files">, ctx: ToolContext): Promise<Observation> {
  const files = await ctx.workspace.listFiles();
  let folder = ".";
  if (call.args.path !== undefined && call.args.path.trim() !== "") {
    const normalized = normalizeRepoPath(call.args.path);
    if (!normalized.ok) return { ok: false, text: `${TOOL_RESULT.cannotList}${normalized.reason}.` };
    folder = normalized.path;
  }
  const prefix = folder === "." ? "" : `${folder}/`;
  const under = files.filter((file) => file.startsWith(prefix) || file === folder);
  if (under.length === 0) {
    const top = [...new Set(files.map((file) => (file.includes("/") ? `${file.split("/")[0]}/` : file)))].slice(0, 40);
    return {
      ok: false,
      text: `${TOOL_RESULT.noFiles}"${folder}". Top level of the repository: ${top.join(", ") || "(empty)"}.`,
    };
  }
  const shown = under.slice(0, MAX_ENTRIES);
  const more = under.length - shown.length;
  const header = `${under.length} file${under.length === 1 ? "" : "s"} under ${folder === "." ? "the repository" : `"${folder}"`}:`;
  const footer = more > 0 ? `\n... and ${more} more; list a sub-folder to see them.` : "";
  return { ok: true, text: `${header}\n${shown.join("\n")}${footer}`, readKey: `list:${folder}` };
}
