import type { ToolName } from "../../protocol/tool-schemas.js";

/**
 * The tools whose name is within edit distance 2 of `name` (already lower snake case). Two or
 * more results mean the name is ambiguous: `writ_file` is 1 from write_file and 2 from edit_file.
 */
export function nearToolNames(name: string, tools: readonly ToolName[]): ToolName[] {
  return tools.filter((tool) => editDistance(tool, name) <= 2);
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] ?? 0;
      row[j] = Math.min(above + 1, (row[j - 1] ?? 0) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length] ?? 0;
}
