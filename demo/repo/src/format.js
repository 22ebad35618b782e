/** Formats a temperature for display, e.g. "21.5 °C". */
export function formatTemperature(value, unit) {
  return `${Math.round(value * 10) / 10} °${unit}`;
}
