/** An amount of money in integer minor units (cents). */
export interface Money {
  cents: number;
  currency: string;
}

export function money(cents: number, currency = "EUR"): Money {
  if (!Number.isInteger(cents)) throw new TypeError(`cents must be an integer, got ${cents}`);
  return { cents, currency };
}

export function add(a: Money, b: Money): Money {
  if (a.currency !== b.currency) throw new Error(`cannot add ${a.currency} and ${b.currency}`);
  return { cents: a.cents + b.cents, currency: a.currency };
}

export function sum(amounts: readonly Money[], currency = "EUR"): Money {
  return amounts.reduce(add, money(0, currency));
}
