import { test } from "node:test";
import assert from "node:assert/strict";
import { increment, mapValues } from "../src/collections/maps.ts";

test("mapValues transforms every value", () => {
  const doubled = mapValues(new Map([["a", 1], ["b", 2]]), (value) => value * 2);
  assert.deepEqual([...doubled], [["a", 2], ["b", 4]]);
});

test("increment starts from zero", () => {
  const counts = increment(increment(new Map<string, number>(), "x"), "x", 2);
  assert.equal(counts.get("x"), 3);
});
