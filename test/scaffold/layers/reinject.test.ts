import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../../../src/protocol/agent-run.js";
import { buildToolReminder } from "../../../src/protocol/build-tool-reminder.js";
import { CHANGE_TOOLS } from "../../../src/protocol/tool-schemas.js";
import { createReinjectLayer } from "../../../src/scaffold/layers/reinject.js";
import { layerRun, ranCall, turnRecord } from "../../helpers/layer-run.js";

const limits = { ...DEFAULT_LIMITS, reinjectEvery: 2 };
const read = { tool: "read_file" as const, args: { path: "src/sum.js" } };

describe("reinject layer", () => {
  it("adds the reply format and the tools as a fresh system message every N agent turns", async () => {
    const layer = createReinjectLayer(limits);
    const run = layerRun();
    expect(await layer.beforeQuery?.(run)).toEqual([]);
    run.history.push(...ranCall(1, read));
    expect(await layer.beforeQuery?.(run)).toEqual([]);
    run.history.push(...ranCall(2, read));
    expect(await layer.beforeQuery?.(run)).toEqual(["schema_reinjected"]);
    expect(run.history.at(-1)).toEqual({ type: "reinject", content: buildToolReminder(CHANGE_TOOLS), beforeTurn: 3 });
    expect(buildToolReminder(CHANGE_TOOLS)).toContain("- edit_file(path, old_text, new_text)");
  });
  it("counts agent turns only, not summaries", async () => {
    const run = layerRun();
    run.history.push(...ranCall(1, read), {
      type: "summary",
      turn: turnRecord(2, { kind: "summary" }),
      foldBefore: 2,
      recap: "r",
      actions: [],
    });
    expect(await createReinjectLayer(limits).beforeQuery?.(run)).toEqual([]);
  });
});
