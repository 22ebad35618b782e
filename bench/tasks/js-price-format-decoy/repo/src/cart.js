import { formatPrice, formatQuantity } from "../utils/format.js";

/** "2 × Coffee beans — $25.00" */
export function renderCartLine(line, currency = "USD") {
  return `${line.quantity} × ${line.name} — ${formatPrice(line.quantity * line.unitCents, currency)}`;
}

export function cartTotalCents(lines) {
  return lines.reduce((sum, line) => sum + line.quantity * line.unitCents, 0);
}

/** The footer under the cart: "3 items, total $31.05". */
export function renderCartSummary(lines, currency = "USD") {
  const count = lines.reduce((sum, line) => sum + line.quantity, 0);
  return `${formatQuantity(count)}, total ${formatPrice(cartTotalCents(lines), currency)}`;
}
