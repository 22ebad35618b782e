import { test } from "node:test";
import assert from "node:assert/strict";
import { renderCartLine, renderCartSummary } from "../src/cart.js";

const lines = [
  { name: "Coffee beans", quantity: 2, unitCents: 1250 },
  { name: "Filter papers", quantity: 1, unitCents: 605 },
];

test("renders a cart line", () => {
  assert.equal(renderCartLine(lines[0]), "2 × Coffee beans — $25.00");
});

test("renders the summary", () => {
  assert.equal(renderCartSummary(lines), "3 items, total $31.05");
});
