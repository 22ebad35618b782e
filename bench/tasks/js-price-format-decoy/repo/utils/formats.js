// Deprecated: v1 CSV export formatters. The v1 exporter still reads these columns byte for
// byte, so do not change their output; new code uses utils/format.js.

export const EXPORT_FORMATS = ["csv", "tsv"];

export function formatPrice(cents) {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100);
  const fraction = abs % 100;
  return `${sign}${whole}.${fraction}`;
}

export function formatRow(values, format = "csv") {
  const separator = format === "tsv" ? "\t" : ",";
  return values.map((value) => String(value)).join(separator);
}
