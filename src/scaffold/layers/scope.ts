import { crossFileHint, scopeRefusal } from "../../protocol/layer-messages.js";
import { createAllowedMatcher } from "../../task/allowed-files.js";
import type { Layer, LayerRun, WorkspaceView } from "./layer.js";

/** Files searched for a failed edit's text, and files named. */
const SEARCH_FILES = 5000;
const NAME_FILES = 5;

/**
 * scope: writes go only to the allowed files. A write elsewhere is refused with the list (after
 * the workspace's own guards, which hold whatever the layers say: inside the checkout, not .git,
 * not workflows, nothing for a question); an edit whose `old_text` is in no line of its file but
 * occurs in other files says where, and whether each is allowed. Both are `scope_blocked`.
 * Switched off, a write to any file lands (and is still recorded as a wrong-file edit).
 */
export function createScopeLayer(): Layer {
  let matcher: ((path: string) => boolean) | null = null;
  const isAllowed = (run: LayerRun, path: string) => {
    matcher ??= createAllowedMatcher(run.task.allowed);
    return matcher(path);
  };
  return {
    name: "scope",
    beforeTool(call, run) {
      if (call.tool !== "edit_file" && call.tool !== "write_file") return { kind: "run" };
      const permitted = run.workspace.checkWrite(call.args.path);
      // A write the workspace refuses anyway is the tool's to explain.
      if (!permitted.ok || isAllowed(run, permitted.path)) return { kind: "run" };
      const text = `Cannot ${call.tool === "edit_file" ? "edit" : "write"}: ${scopeRefusal(permitted.path, run.task.allowed)}.`;
      return { kind: "refuse", observation: { ok: false, text, wrongFile: true } };
    },
    async afterTool(call, observation, run) {
      let reviewed = observation;
      const path = observation.oldTextMissingFrom;
      if (call.tool === "edit_file" && path !== undefined) {
        const elsewhere = await filesContaining(run.workspace, call.args.old_text, path);
        const mayChange = (file: string) => run.workspace.checkWrite(file).ok && isAllowed(run, file);
        const named = elsewhere.map((file) => `${file} (${mayChange(file) ? "allowed" : "not an allowed file"})`);
        if (named.length > 0) {
          reviewed = { ...observation, text: `${crossFileHint(path, named)}\n${observation.text}`, wrongFile: true };
        }
      }
      return { observation: reviewed, interventions: reviewed.wrongFile ? ["scope_blocked"] : [] };
    },
  };
}

async function filesContaining(workspace: WorkspaceView, needle: string, except: string): Promise<string[]> {
  const found: string[] = [];
  const files = await workspace.listFiles();
  for (const file of files.slice(0, SEARCH_FILES)) {
    if (file === except) continue;
    const read = await workspace.readText(file);
    if (read.ok && read.text.includes(needle)) found.push(file);
    if (found.length >= NAME_FILES) break;
  }
  return found;
}
