const SYMBOLS = { USD: "$", EUR: "€", GBP: "£" };

/** Groups thousands with commas: 1234567 -> "1,234,567". */
function groupThousands(n) {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/**
 * Formats an integer amount of cents for display: 123456 -> "$1,234.56", -500 -> "-$5.00".
 * Unknown currencies are shown with their code: formatPrice(100, "CHF") -> "CHF 1.00".
 */
export function formatPrice(cents, currency = "USD") {
  if (!Number.isInteger(cents)) throw new TypeError(`cents must be an integer, got ${cents}`);
  const symbol = SYMBOLS[currency] ?? `${currency} `;
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100);
  const fraction = abs % 100;
  return `${sign}${symbol}${groupThousands(whole)}.${fraction}`;
}

/** "1 item", "3 items". */
export function formatQuantity(count, noun = "item") {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
