import { test } from "node:test";
import assert from "node:assert/strict";
import { tokenize } from "../src/text/tokenize.ts";

test("splits on punctuation and keeps inner apostrophes", () => {
  assert.deepEqual(tokenize("Don't panic -- it's 'fine', OK?"), ["don't", "panic", "it's", "fine", "ok"]);
});

test("keeps letters outside ASCII", () => {
  assert.deepEqual(tokenize("Crème brûlée, naïve café"), ["crème", "brûlée", "naïve", "café"]);
});
