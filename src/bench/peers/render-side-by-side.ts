/** One task run in the side-by-side table, whichever harness ran it. */
export interface SideBySideRun {
  task: string;
  completed: boolean;
  /** What ended a failed run; null when it completed. */
  failure: string | null;
  /** Null when the harness could not run the task at all. */
  calls: number | null;
  promptTokens: number | null;
  wallMs: number | null;
  detail: string;
}

/** One harness's row. */
export interface SideBySideRow {
  harness: string;
  version: string;
  settings: string;
  runs: SideBySideRun[];
}

/**
 * The side-by-side section: one summary line per harness (tasks completed, then per task run the
 * mean calls, wall time and server-counted prompt tokens, and what ended the failed runs), then
 * every task run, so a task a peer could not run at all shows as an entry, not a gap.
 */
export function renderSideBySide(params: { rows: readonly SideBySideRow[]; model: string; date: string; command: string; notes: readonly string[] }): string {
  const lines = [
    `### Side by side with peers (${params.model}, ${params.date})`,
    "",
    `\`${params.command}\``,
    "",
    "| harness | version | tasks completed | calls / task | wall s / task | prompt tokens / task | failed runs ended by |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const row of params.rows) {
    const ran = row.runs.filter((run) => run.calls !== null);
    const mean = (pick: (run: SideBySideRun) => number | null) =>
      ran.length === 0 ? null : ran.reduce((sum, run) => sum + (pick(run) ?? 0), 0) / ran.length;
    const calls = mean((run) => run.calls);
    const wall = mean((run) => run.wallMs);
    const tokens = mean((run) => run.promptTokens);
    const failures = new Map<string, number>();
    for (const run of row.runs) if (run.failure) failures.set(run.failure, (failures.get(run.failure) ?? 0) + 1);
    lines.push(
      `| ${row.harness} | ${row.version} | ${row.runs.filter((run) => run.completed).length}/${row.runs.length} | ${calls === null ? "–" : calls.toFixed(1)} | ${wall === null ? "–" : (wall / 1000).toFixed(0)} | ${tokens === null ? "–" : Math.round(tokens).toLocaleString("en-US")} | ${[...failures].map(([mode, count]) => `${mode} ×${count}`).join(", ") || "–"} |`,
    );
  }
  lines.push("", "| task | harness | result | calls | wall s | prompt tokens | what the log says |", "|---|---|---|---|---|---|---|");
  for (const row of params.rows) {
    for (const run of row.runs) {
      lines.push(
        `| ${run.task} | ${row.harness} | ${run.completed ? "completed" : `failed: ${run.failure ?? "?"}`} | ${run.calls ?? "–"} | ${run.wallMs === null ? "–" : (run.wallMs / 1000).toFixed(0)} | ${run.promptTokens?.toLocaleString("en-US") ?? "–"} | ${escapeCell(run.detail)} |`,
      );
    }
  }
  lines.push("", "Settings:", ...params.rows.map((row) => `- ${row.harness} ${row.version}: ${row.settings}`), ...params.notes.map((note) => `- ${note}`));
  return `${lines.join("\n")}\n`;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\s+/g, " ").slice(0, 160);
}
