import { test } from "node:test";
import assert from "node:assert/strict";
import { chunk, groupBy, partition, unique } from "../src/collections/arrays.ts";

test("unique keeps first occurrences", () => {
  assert.deepEqual(unique([3, 1, 3, 2, 1]), [3, 1, 2]);
});

test("groupBy keeps order inside groups", () => {
  const groups = groupBy(["apple", "avocado", "banana"], (word) => word[0]);
  assert.deepEqual([...groups], [["a", ["apple", "avocado"]], ["b", ["banana"]]]);
});

test("partition splits by a predicate", () => {
  assert.deepEqual(partition([1, 2, 3, 4], (n) => n % 2 === 0), [[2, 4], [1, 3]]);
});

test("chunk splits into arrays of the given size; the last one may be shorter", () => {
  assert.deepEqual(chunk([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);
  assert.deepEqual(chunk(["a", "b", "c"], 3), [["a", "b", "c"]]);
  assert.deepEqual(chunk([1, 2], 5), [[1, 2]]);
});

test("chunk of an empty array is empty", () => {
  assert.deepEqual(chunk([], 4), []);
});

test("chunk does not modify its input", () => {
  const items = Object.freeze([1, 2, 3]);
  assert.deepEqual(chunk(items, 2), [[1, 2], [3]]);
});

test("chunk rejects a size that is not a positive integer", () => {
  assert.throws(() => chunk([1, 2], 0), RangeError);
  assert.throws(() => chunk([1, 2], 1.5), RangeError);
});
