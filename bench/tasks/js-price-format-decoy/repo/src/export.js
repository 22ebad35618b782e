import { formatPrice, formatRow } from "../utils/formats.js";

/** v1 order export: one row per cart line. */
export function exportLines(lines, format = "csv") {
  const header = formatRow(["name", "quantity", "total"], format);
  const rows = lines.map((line) => formatRow([line.name, line.quantity, formatPrice(line.quantity * line.unitCents)], format));
  return [header, ...rows].join("\n");
}
