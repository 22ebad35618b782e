import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { crossFileHint, scopeRefusal } from "../../../src/protocol/layer-messages.js";
import type { WorkspaceView } from "../../../src/scaffold/layers/layer.js";
import { createScopeLayer } from "../../../src/scaffold/layers/scope.js";
import { createWorkspace, type Workspace } from "../../../src/workspace/create-workspace.js";
import { makeGitRepo } from "../../helpers/git-fixture.js";
import { layerRun, memoryWorkspace } from "../../helpers/layer-run.js";

let repo: { dir: string; cleanup: () => Promise<void> };
let workspace: Workspace;
beforeEach(async () => {
  repo = await makeGitRepo({
    "src/sum.js": "export const sum = (a, b) => a - b;\n",
    "src/sums.js": "export const sums = (a, b) => a - b;\n",
    "lib/other.js": "a - b\n",
  });
  // The workspace's own guards, as the pipeline sets them (nothing about the allowed files).
  workspace = await createWorkspace({
    root: repo.dir,
    canWrite: (path) => (path.startsWith("lib/") ? { ok: false, reason: `"${path}" is read-only here` } : { ok: true }),
  });
});
afterEach(() => repo.cleanup());

const run = () => layerRun({ workspace, allowed: ["src/sum.js"] });
const edit = (path: string) => ({ tool: "edit_file" as const, args: { path, old_text: "a - b", new_text: "a + b" } });

describe("scope layer", () => {
  it("refuses a write outside the allowed files before the tool runs, naming the list", () => {
    expect(createScopeLayer().beforeTool?.(edit("./src/sums.js"), run())).toEqual({
      kind: "refuse",
      observation: { ok: false, text: `Cannot edit: ${scopeRefusal("src/sums.js", ["src/sum.js"])}.`, wrongFile: true },
    });
    const write = createScopeLayer().beforeTool?.(
      { tool: "write_file", args: { path: "src/new.js", content: "x" } },
      run(),
    );
    expect(write).toMatchObject({
      kind: "refuse",
      observation: {
        text: 'Cannot write: "src/new.js" is not one of the allowed files (src/sum.js); change only those.',
      },
    });
  });
  it("lets allowed writes, reads, and writes the workspace refuses anyway through (the tool explains those)", () => {
    const layer = createScopeLayer();
    expect(layer.beforeTool?.(edit("src/sum.js"), run())).toEqual({ kind: "run" });
    expect(layer.beforeTool?.({ tool: "read_file", args: { path: "src/sums.js" } }, run())).toEqual({ kind: "run" });
    expect(layer.beforeTool?.(edit("../outside.js"), run())).toEqual({ kind: "run" });
    expect(layer.beforeTool?.(edit("lib/other.js"), run())).toEqual({ kind: "run" });
  });
  it("says which other files hold a failed edit's old_text, and whether each may be changed", async () => {
    const missing = { ok: false, text: "old_text was not found in src/sum.js.", oldTextMissingFrom: "src/sum.js" };
    const reviewed = await createScopeLayer().afterTool?.(edit("src/sum.js"), missing, run());
    const hint = crossFileHint("src/sum.js", [
      "lib/other.js (not an allowed file)",
      "src/sums.js (not an allowed file)",
    ]);
    expect(reviewed).toEqual({
      observation: { ...missing, text: `${hint}\n${missing.text}`, wrongFile: true },
      interventions: ["scope_blocked"],
    });
    const allowedElsewhere = await createScopeLayer().afterTool?.(
      edit("src/sums.js"),
      { ...missing, oldTextMissingFrom: "src/sums.js" },
      layerRun({ workspace, allowed: ["src/*.js"] }),
    );
    expect(allowedElsewhere?.observation.text).toContain("src/sum.js (allowed)");
  });
  it("searches at most the first 5,000 files and names at most 5 (a huge repository answers quickly)", async () => {
    const files = Array.from({ length: 5001 }, (_, n) => `src/f${n}.js`);
    const holding = (match: (n: number) => boolean): WorkspaceView => ({
      ...memoryWorkspace(),
      listFiles: async () => files,
      readText: async (path) => ({
        ok: true,
        path,
        text: match(Number(/\d+/.exec(path)?.[0])) ? "a - b" : "other",
        lines: 1,
      }),
    });
    const missing = { ok: false, text: "old_text was not found in src/f0.js.", oldTextMissingFrom: "src/f0.js" };
    const seven = await createScopeLayer().afterTool?.(
      edit("src/f0.js"),
      missing,
      layerRun({ workspace: holding((n) => n >= 1 && n <= 7), allowed: ["src/f0.js"] }),
    );
    const named = [1, 2, 3, 4, 5].map((n) => `src/f${n}.js (not an allowed file)`);
    expect(seven?.observation.text).toBe(`${crossFileHint("src/f0.js", named)}\n${missing.text}`);
    // Only the 5,001st file holds the text: it is past the search cap, so nothing is named.
    const last = await createScopeLayer().afterTool?.(
      edit("src/f0.js"),
      missing,
      layerRun({ workspace: holding((n) => n === 5000), allowed: ["src/f0.js"] }),
    );
    expect(last).toEqual({ observation: missing, interventions: [] });
  });
  it("marks refused writes as scope_blocked and leaves other results alone", async () => {
    const layer = createScopeLayer();
    const refused = { ok: false, text: "Cannot edit: x.", wrongFile: true };
    expect(await layer.afterTool?.(edit("src/sums.js"), refused, run())).toEqual({
      observation: refused,
      interventions: ["scope_blocked"],
    });
    const nowhere = { ok: false, text: "old_text was not found in src/sum.js.", oldTextMissingFrom: "src/sum.js" };
    const unknown = await layer.afterTool?.(
      { ...edit("src/sum.js"), args: { ...edit("src/sum.js").args, old_text: "nowhere at all" } },
      nowhere,
      run(),
    );
    expect(unknown).toEqual({ observation: nowhere, interventions: [] });
    const read = { ok: true, text: "1 | a" };
    expect(await layer.afterTool?.({ tool: "read_file", args: { path: "src/sum.js" } }, read, run())).toEqual({
      observation: read,
      interventions: [],
    });
  });
});
