import { test } from "node:test";
import assert from "node:assert/strict";
import { formatMoney } from "../src/money/format.ts";
import { money, sum } from "../src/money/money.ts";

test("formats amounts", () => {
  assert.equal(formatMoney(money(1234)), "€12.34");
  assert.equal(formatMoney(money(-5, "USD")), "-$0.05");
  assert.equal(formatMoney(money(300, "CHF")), "CHF 3.00");
});

test("sums amounts of one currency", () => {
  assert.deepEqual(sum([money(100), money(250)]), money(350));
  assert.throws(() => sum([money(1, "USD")]), /cannot add/);
});
