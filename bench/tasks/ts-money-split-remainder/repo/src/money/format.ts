import type { Money } from "./money.ts";

const SYMBOLS: Record<string, string> = { EUR: "€", USD: "$", GBP: "£" };

/** "€12.34", "-$0.05", "CHF 3.00" */
export function formatMoney(amount: Money): string {
  const sign = amount.cents < 0 ? "-" : "";
  const abs = Math.abs(amount.cents);
  const symbol = SYMBOLS[amount.currency] ?? `${amount.currency} `;
  return `${sign}${symbol}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}
