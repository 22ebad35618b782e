import { describe, expect, it } from "vitest";
import { combineLayers } from "../../../src/scaffold/layers/combine-layers.js";
import { createRepairLayer } from "../../../src/scaffold/layers/repair.js";
import { layerRun } from "../../helpers/layer-run.js";

const sloppy = 'Let me look.\n```json\n{"thought": "read", "tool": "read_file", "args": {"file": "./src/sum.js"}}\n```';

describe("repair layer", () => {
  it("reads the call out of a fenced, prose-wrapped reply with an aliased argument, and says what it did", () => {
    const parsed = createRepairLayer().parse?.({ content: sloppy, latencyMs: 1 }, layerRun());
    expect(parsed).toMatchObject({
      ok: true,
      rawValid: false,
      call: { tool: "read_file", args: { path: "src/sum.js" } },
    });
    expect(parsed?.interventions).toEqual(["stripped_fence", "extracted_from_prose", "mapped_alias"]);
  });
  it("keeps raw_valid the strict verdict", () => {
    const parsed = createRepairLayer().parse?.(
      { content: '{"tool": "run_tests", "args": {}}', latencyMs: 1 },
      layerRun(),
    );
    expect(parsed).toMatchObject({ ok: true, rawValid: true, interventions: [] });
  });
  it("without it the loop's strict parse refuses the same reply", () => {
    const strict = combineLayers([]).parse({ content: sloppy, latencyMs: 1 }, layerRun());
    expect(strict).toMatchObject({ ok: false, rawValid: false, interventions: [] });
    const repaired = combineLayers([createRepairLayer()]).parse({ content: sloppy, latencyMs: 1 }, layerRun());
    expect(repaired.ok).toBe(true);
  });
});
