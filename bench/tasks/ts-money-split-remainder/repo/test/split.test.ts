import { test } from "node:test";
import assert from "node:assert/strict";
import { money, sum } from "../src/money/money.ts";
import { splitEvenly } from "../src/money/split.ts";
import { describeShares, splitBill } from "../src/bill.ts";

const cents = (amounts: { cents: number }[]) => amounts.map((amount) => amount.cents);

test("splits an amount that divides evenly", () => {
  assert.deepEqual(cents(splitEvenly(money(900), 3)), [300, 300, 300]);
});

test("shares add up to the total; the first shares take the odd cents", () => {
  assert.deepEqual(cents(splitEvenly(money(1000), 3)), [334, 333, 333]);
  assert.deepEqual(cents(splitEvenly(money(1001), 4)), [251, 250, 250, 250]);
  for (const [total, parts] of [[1, 3], [99, 7], [123_455, 12]] as const) {
    assert.deepEqual(sum(splitEvenly(money(total), parts)), money(total));
  }
});

test("splits refunds (negative amounts) too", () => {
  assert.deepEqual(sum(splitEvenly(money(-1000), 3)), money(-1000));
});

test("rejects a part count that is not a positive integer", () => {
  assert.throws(() => splitEvenly(money(100), 0), RangeError);
});

test("describes who owes what", () => {
  assert.equal(describeShares(splitBill(money(1000), ["Ana", "Ben", "Cy"])), "Ana: €3.34, Ben: €3.33, Cy: €3.33");
});
