import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../../../src/protocol/agent-run.js";
import { createLayers } from "../../../src/scaffold/layers/create-layers.js";
import { parseScaffoldSpec } from "../../../src/scaffold/parse-scaffold-spec.js";

const spec = (text: string) => {
  const parsed = parseScaffoldSpec(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.layers;
};

describe("createLayers", () => {
  it("builds the enabled layers in hook order: context before reinject", () => {
    expect(createLayers(spec("all"), DEFAULT_LIMITS).map((layer) => layer.name)).toEqual([
      "grammar",
      "repair",
      "retry",
      "context",
      "reinject",
      "loops",
      "stops",
      "scope",
    ]);
  });
  it("all,-loops is the same list without the loops object", () => {
    expect(createLayers(spec("all,-loops"), DEFAULT_LIMITS).map((layer) => layer.name)).toEqual([
      "grammar",
      "repair",
      "retry",
      "context",
      "reinject",
      "stops",
      "scope",
    ]);
    expect(createLayers(spec("none"), DEFAULT_LIMITS)).toEqual([]);
  });
  it("makes fresh objects for each run, so no state is shared between runs", () => {
    const [first] = createLayers(spec("stops"), DEFAULT_LIMITS);
    const [second] = createLayers(spec("stops"), DEFAULT_LIMITS);
    expect(first).not.toBe(second);
  });
});
