import type { Report } from "../report/report-schema.js";
import { renderMarkdown } from "../report/render-markdown.js";

/** GitHub's limit for a pull request body is 65536 characters; keep room for the footer. */
const MAX_BODY = 60_000;

export interface DiffStat {
  path: string;
  added: number;
  removed: number;
}

/**
 * The pull request body: what a reviewer needs first (the issue link, what changed, the test
 * delta, which model), then the reliability report with the per-turn table collapsed.
 */
export function renderPullRequestBody(params: {
  report: Report;
  issueNumber: number | null;
  diff: readonly DiffStat[];
  actor: string;
  via: "label" | "comment";
  draftReason: string | null;
  /** The run's dashboard page (when LOCAL_AGENT_PUBLIC_URL is set): turn by turn, charts, transcript. */
  runUrl?: string | null;
}): string {
  const { report } = params;
  const t = report.totals;
  const lines: string[] = [];
  if (params.issueNumber !== null) lines.push(`Fixes #${params.issueNumber}`, "");
  if (params.draftReason) lines.push(`> [!WARNING]`, `> Draft: ${params.draftReason}`, "");
  if (report.summary) lines.push(escape(report.summary), "");
  lines.push("### What changed");
  lines.push(...(params.diff.length ? params.diff.map((d) => `- \`${escape(d.path)}\` (+${d.added} −${d.removed})`) : ["- nothing"]));
  lines.push("", "### Tests");
  const test = report.task.test_command ? `\`${escape(report.task.test_command)}\`` : "no test command";
  lines.push(`${test}: ${testText(t.tests_before)} before → ${testText(t.tests_after)} after`);
  lines.push("", "### Model");
  const m = report.model;
  lines.push(
    [`\`${escape(m.spec)}\``, m.quantization, m.num_ctx ? `num_ctx ${m.num_ctx}` : null, m.backend_version ? `${m.backend} ${m.backend_version}` : null]
      .filter(Boolean)
      .join(" · "),
  );
  lines.push("", renderMarkdown(report, { collapsible: true, heading: "### Reliability report" }).trim());
  if (params.runUrl) lines.push("", `[This run turn by turn on the dashboard](${params.runUrl}): context and validity charts, the transcript to replay.`);
  lines.push("", "---", `Written by a local model through local-agent, started by @${params.actor} with ${params.via === "label" ? "the label" : "`/fix`"}. Review it like any contribution.`);
  const body = lines.join("\n");
  return body.length > MAX_BODY ? `${body.slice(0, MAX_BODY)}\n\n… (report truncated; the full report is in the check run)` : body;
}

export function testText(summary: Report["totals"]["tests_before"]): string {
  if (!summary) return "not run";
  if (summary.timed_out) return "timed out";
  if (summary.failed_count !== null) return `${summary.passed ? "✓" : "✗"} ${summary.failed_count} failing`;
  return summary.passed ? "✓ passing" : "✗ failing";
}

function escape(text: string): string {
  return text.replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/@(?=\w)/g, "@\u200b");
}
