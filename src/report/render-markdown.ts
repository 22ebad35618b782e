import type { Report, TestSummary } from "./report-schema.js";

const OUTCOME_MARK: Record<Report["outcome"], string> = {
  completed: "✅ completed",
  answered: "✅ answered",
  failed: "❌ failed",
  cancelled: "⏹️ cancelled",
};

/**
 * The markdown view of a report: a summary table and the per-turn table (collapsible in pull
 * requests, where the summary is what a reviewer reads first). Model-written text is escaped so
 * it cannot break the tables, ping people or inject HTML.
 */
export function renderMarkdown(
  report: Report,
  options: { collapsible?: boolean; heading?: string; include?: "all" | "summary" | "turns" } = {},
): string {
  const t = report.totals;
  const m = report.model;
  const modelParts = [
    `\`${m.spec}\``,
    m.quantization,
    m.context_length !== null ? `context ${m.context_length}` : null,
    m.num_ctx !== null ? `num_ctx ${m.num_ctx}` : null,
    m.backend_version !== null ? `${m.backend} ${m.backend_version}` : m.backend,
  ].filter(Boolean);
  const agentTurns = report.turns.filter((turn) => turn.kind === "agent").length;
  const rows: [string, string][] = [
    ["Task", `${cell(report.task.title)} (${report.task.kind})`],
    ["Outcome", `${OUTCOME_MARK[report.outcome]}: ${cell(report.exit_reason)}`],
    ["Model", modelParts.join(" · ")],
  ];
  if (report.task.kind === "change") {
    rows.push(["Tests", `${testCell(t.tests_before)} → ${testCell(t.tests_after)}${report.task.test_command ? ` (\`${cell(report.task.test_command)}\`)` : ""}`]);
    rows.push(["Files changed", report.files_changed.length ? report.files_changed.map((f) => `\`${cell(f)}\``).join(", ") : "none"]);
  }
  rows.push(
    ["Turns", `${t.turns} (${agentTurns} agent, ${t.turns - agentTurns} summary) · ${t.model_calls} model calls · ${t.tool_calls} tool calls`],
    ["Tool-call validity", `raw ${pct(t.validity_raw)} → effective ${pct(t.validity_effective)}`],
    ["Retries", String(t.retries)],
    ["Interventions", counts(t.interventions)],
    ["Failure modes", counts(t.failure_modes)],
    ["Tokens", `${t.prompt_tokens} prompt · ${t.completion_tokens} completion`],
    ["Scaffold", report.scaffold.length ? report.scaffold.join(", ") : "none"],
    ["Sandbox", `${report.sandbox.mode}${limitsText(report.sandbox.limits)}`],
    ["Duration", duration(report.duration_ms)],
  );
  const lines = [
    options.heading ?? `### local-agent report: ${OUTCOME_MARK[report.outcome]}`,
    "",
    "| | |",
    "|---|---|",
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
  ];
  if (report.summary) lines.push("", `**Summary from the model:** ${inline(report.summary)}`);
  if (report.answer) lines.push("", "**Answer:**", "", quote(report.answer));
  const table = [
    "| # | kind | tool | raw valid | valid | interventions | failure mode | tokens (prompt / out) | latency | note |",
    "|---:|---|---|:---:|:---:|---|---|---:|---:|---|",
    ...report.turns.map(
      (turn) =>
        `| ${turn.n} | ${turn.kind} | ${turn.tool ? `\`${cell(turn.tool)}\`` : "—"} | ${turn.raw_valid ? "✓" : "✗"} | ${turn.valid ? "✓" : "✗"} | ${turn.interventions.join(", ") || ""} | ${turn.failure_mode ?? ""} | ${turn.prompt_tokens} / ${turn.completion_tokens} | ${duration(turn.latency_ms)} | ${cell(turn.error ?? turn.note ?? "")} |`,
    ),
  ];
  const include = options.include ?? "all";
  if (include === "turns") return `${[`#### Turns (${report.turns.length})`, "", ...table].join("\n")}\n`;
  if (include === "summary") return `${lines.join("\n")}\n`;
  if (options.collapsible) {
    lines.push("", `<details><summary>Per-turn report (${report.turns.length} turns)</summary>`, "", ...table, "", "</details>");
  } else {
    lines.push("", "#### Turns", "", ...table);
  }
  return `${lines.join("\n")}\n`;
}

function testCell(summary: TestSummary | null): string {
  if (!summary) return "not run";
  if (summary.timed_out) return "timed out";
  const failed = summary.failed_count !== null ? `${summary.failed_count} failing` : summary.passed ? "passing" : "failing";
  const passed = summary.passed_count !== null ? `, ${summary.passed_count} passing` : "";
  return `${summary.passed ? "✓" : "✗"} ${failed}${passed}`;
}

function counts(record: Record<string, number>): string {
  const parts = Object.entries(record)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${name} ×${n}`);
  return parts.length ? parts.join(", ") : "none";
}

function limitsText(limits: Record<string, number | string | boolean>): string {
  const parts = Object.entries(limits).map(([k, v]) => `${k} ${v}`);
  return parts.length ? ` (${parts.join(", ")})` : "";
}

function pct(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)}m ${Math.round(s % 60)}s`;
}

/** Table-safe, mention-safe, HTML-safe single line. */
function cell(text: string): string {
  return inline(text).replace(/\|/g, "\\|");
}

function inline(text: string): string {
  const flat = text.replace(/\s*\n\s*/g, " ").trim();
  const clipped = flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
  return escapeHtml(clipped).replace(/@(?=\w)/g, "@\u200b");
}

function quote(text: string): string {
  return escapeHtml(text.trim())
    .replace(/@(?=\w)/g, "@\u200b")
    .split("\n")
    .map((line) => `> ${line}`)
    .join("\n");
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
