import { test } from "node:test";
import assert from "node:assert/strict";
import { formatPrice, formatQuantity } from "../utils/format.js";

test("formats whole amounts with two decimals", () => {
  assert.equal(formatPrice(1250), "$12.50");
  assert.equal(formatPrice(123456), "$1,234.56");
});

test("puts the sign before the currency symbol", () => {
  assert.equal(formatPrice(-1999, "EUR"), "-€19.99");
});

test("shows unknown currencies by code", () => {
  assert.equal(formatPrice(1000, "CHF"), "CHF 10.00");
});

test("pads cents below ten with a zero", () => {
  assert.equal(formatPrice(505), "$5.05");
  assert.equal(formatPrice(100001, "GBP"), "£1,000.01");
});

test("pluralizes quantities", () => {
  assert.equal(formatQuantity(1), "1 item");
  assert.equal(formatQuantity(3), "3 items");
});
