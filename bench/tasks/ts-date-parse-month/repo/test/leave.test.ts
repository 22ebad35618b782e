import { test } from "node:test";
import assert from "node:assert/strict";
import { workingDays } from "../src/leave.ts";

test("counts weekdays of a leave request", () => {
  // Mon 2024-03-04 to Sun 2024-03-10
  assert.equal(workingDays({ from: "2024-03-04", to: "2024-03-10" }), 5);
  // Wed 2024-03-06 to Fri 2024-03-08
  assert.equal(workingDays({ from: "2024-03-06", to: "2024-03-08" }), 3);
});

test("skips public holidays", () => {
  assert.equal(workingDays({ from: "2024-12-23", to: "2024-12-27" }, ["2024-12-25", "2024-12-26"]), 3);
});

test("rejects a request that ends before it starts", () => {
  assert.throws(() => workingDays({ from: "2024-03-05", to: "2024-03-04" }), /before it starts/);
});
