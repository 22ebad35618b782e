import { test } from "node:test";
import assert from "node:assert/strict";
import { countWords, topWords } from "../src/text/frequency.ts";
import { draftReport } from "../src/report.ts";

test("counts repeated words", () => {
  const counts = countWords(["cat", "dog", "cat", "the", "cat"]);
  assert.equal(counts.get("cat"), 3);
  assert.equal(counts.get("dog"), 1);
  assert.equal(counts.has("the"), false);
});

test("lists the most frequent words first, ties alphabetically", () => {
  assert.deepEqual(topWords("b x c b x b. The end, the END!", 3), [
    { word: "b", count: 3 },
    { word: "end", count: 2 },
    { word: "x", count: 2 },
  ]);
});

test("summarizes a draft", () => {
  assert.equal(draftReport("Tests, tests, tests. Ship it when the tests pass."), "9 words, 1 min read. Most used: tests (4), pass (1), ship (1)");
});
