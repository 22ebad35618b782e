import { formatMoney } from "./money/format.ts";
import type { Money } from "./money/money.ts";
import { splitEvenly } from "./money/split.ts";

export interface Share {
  person: string;
  owes: Money;
}

/** Who owes what when `people` share a bill equally; the first people listed pay the odd cents. */
export function splitBill(total: Money, people: readonly string[]): Share[] {
  if (people.length === 0) throw new Error("a bill needs at least one person");
  const shares = splitEvenly(total, people.length);
  return people.map((person, i) => ({ person, owes: shares[i] ?? { cents: 0, currency: total.currency } }));
}

export function describeShares(shares: readonly Share[]): string {
  return shares.map((share) => `${share.person}: ${formatMoney(share.owes)}`).join(", ");
}
