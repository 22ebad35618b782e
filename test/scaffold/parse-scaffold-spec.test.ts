import { describe, expect, it } from "vitest";
import { SCAFFOLD_LAYERS } from "../../src/protocol/turn-record.js";
import { listLayers, parseScaffoldSpec } from "../../src/scaffold/parse-scaffold-spec.js";

const layersOf = (spec: string) => {
  const parsed = parseScaffoldSpec(spec);
  if (!parsed.ok) throw new Error(parsed.message);
  return listLayers(parsed.layers);
};

/** `--scaffold` (bench, run, demo): the benchmark's rows are named by these specs, so each form is pinned. */
describe("parseScaffoldSpec", () => {
  it("reads all, none, a list and all-but-one, whatever the case and spacing", () => {
    expect(layersOf("all")).toEqual([...SCAFFOLD_LAYERS]);
    expect(layersOf(" ALL ")).toEqual([...SCAFFOLD_LAYERS]);
    expect(layersOf("none")).toEqual([]);
    expect(layersOf("scope, Grammar")).toEqual(["grammar", "scope"]);
    expect(layersOf("all,-loops")).toEqual(SCAFFOLD_LAYERS.filter((layer) => layer !== "loops"));
    expect(layersOf("none,grammar,-grammar")).toEqual([]);
  });

  it("says what is accepted when the value is empty or names no layer", () => {
    const list = SCAFFOLD_LAYERS.join(", ");
    expect(parseScaffoldSpec(" , ")).toEqual({ ok: false, message: `--scaffold needs a value: all, none, or a list of ${list}` });
    expect(parseScaffoldSpec("")).toEqual({ ok: false, message: `--scaffold needs a value: all, none, or a list of ${list}` });
    expect(parseScaffoldSpec("all,-Bogus")).toEqual({
      ok: false,
      message: `unknown scaffold layer "bogus"; the layers are: ${list} (or all, none, all,-LAYER)`,
    });
  });

  it("lists layers in the canonical order, not the order given", () => {
    expect(listLayers(new Set([...SCAFFOLD_LAYERS].reverse()))).toEqual([...SCAFFOLD_LAYERS]);
  });
});
