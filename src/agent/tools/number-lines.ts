/** Renders lines with right-aligned 1-based numbers, the format `read_file` shows the model. */
export function numberLines(lines: readonly string[], firstLine: number): string {
  const width = String(firstLine + lines.length - 1).length;
  return lines.map((line, i) => `${String(firstLine + i).padStart(width)} | ${line}`).join("\n");
}
