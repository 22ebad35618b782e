import { test } from "node:test";
import assert from "node:assert/strict";
import { parseV1Date } from "../src/legacy/dates/parse.ts";

test("v1 dates keep their historical month numbering", () => {
  assert.deepEqual(parseV1Date("05.03.2024"), { year: 2024, month: 3, day: 5 });
});
