import { test } from "node:test";
import assert from "node:assert/strict";
import { parseIsoDate } from "../src/dates/parse.ts";
import { formatIsoDate } from "../src/dates/format.ts";

test("parses an ISO date to UTC midnight", () => {
  const date = parseIsoDate("2024-03-05");
  assert.equal(date.toISOString(), "2024-03-05T00:00:00.000Z");
});

test("round-trips through formatIsoDate", () => {
  for (const text of ["2024-01-31", "2024-02-29", "2023-12-31"]) {
    assert.equal(formatIsoDate(parseIsoDate(text)), text);
  }
});

test("rejects days that do not exist", () => {
  assert.throws(() => parseIsoDate("2023-02-29"), /no such day/);
  assert.throws(() => parseIsoDate("2024-04-31"), /no such day/);
});

test("rejects other formats", () => {
  assert.throws(() => parseIsoDate("05.03.2024"), /expected YYYY-MM-DD/);
});
