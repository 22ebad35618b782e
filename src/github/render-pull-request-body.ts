import type { Report } from "../report/report-schema.js";
import { renderMarkdown } from "../report/render-markdown.js";
import { inlineCode } from "./render/inline-code.js";
import { renderForGitHub, type GitHubMarkdown, type GitHubPart } from "./render/render-for-github.js";

/** The model's summary is a paragraph or two; 4,000 characters is plenty and keeps it skimmable. */
export const MAX_SUMMARY = 4_000;

export interface DiffStat {
  path: string;
  added: number;
  removed: number;
}

/**
 * The pull request body: what a reviewer needs first (the issue link, what changed, the test
 * delta, which model), then the reliability report with the per-turn table collapsed, then the
 * footer. Model-written text is capped and cut before any of the app's own sections would be.
 */
export function renderPullRequestBody(params: {
  report: Report;
  issueNumber: number | null;
  diff: readonly DiffStat[];
  actor: string;
  via: "label" | "comment";
  draftReason: string | null;
  secrets: readonly string[];
  /** The run's dashboard page (when LOCAL_AGENT_PUBLIC_URL is set): turn by turn, charts, transcript. */
  runUrl?: string | null;
}): GitHubMarkdown {
  const { report } = params;
  const t = report.totals;
  const m = report.model;
  const parts: GitHubPart[] = [];
  if (params.draftReason) parts.push({ own: "> [!WARNING]\n> Draft: " }, { untrusted: params.draftReason, style: "inline", max: 600 }, { own: "\n\n" });
  if (report.task.all_files_allowed) {
    const globs = inlineCode(report.task.allowed_files.join(", "));
    parts.push({ own: `> [!CAUTION]\n> All files allowed: the task allowed ${globs}, so the agent could change any file it matches, package.json and build scripts included.\n\n` });
  }
  if (report.summary) parts.push({ untrusted: report.summary, style: "quote", max: MAX_SUMMARY }, { own: "\n\n" });
  const files = params.diff.length ? params.diff.map((d) => `- ${inlineCode(d.path)} (+${d.added} −${d.removed})`).join("\n") : "- nothing";
  parts.push({ own: "### What changed\n" }, { markdown: files, max: 10_000, note: "the full list is in the Files tab" });
  const test = report.task.test_command ? inlineCode(report.task.test_command) : "no test command";
  const model = [inlineCode(m.spec), m.quantization, m.num_ctx ? `num_ctx ${m.num_ctx}` : null, m.backend_version ? `${m.backend} ${m.backend_version}` : null].filter(Boolean).join(" · ");
  parts.push({ own: `\n\n### Tests\n${test}: ${testText(t.tests_before)} before → ${testText(t.tests_after)} after\n\n### Model\n${model}\n\n` });
  parts.push({ markdown: renderMarkdown(report, { collapsible: true, heading: "### Reliability report" }).trim(), note: "the full per-turn report is in the check run" });
  // The app's own address (LOCAL_AGENT_PUBLIC_URL): an own part, so it is never the text cut to fit.
  if (params.runUrl) parts.push({ own: `\n\n[This run turn by turn on the dashboard](${linkTarget(params.runUrl)}): context and validity charts, the transcript to replay.` });
  parts.push({
    own: `\n\n---\nWritten by a local model through local-agent, started by @${params.actor} with ${params.via === "label" ? "the label" : "`/fix`"}. Review it like any contribution.`,
  });
  return renderForGitHub({ parts, secrets: params.secrets, closes: params.issueNumber });
}

export function testText(summary: Report["totals"]["tests_before"]): string {
  if (!summary) return "not run";
  if (summary.timed_out) return "timed out";
  if (summary.failed_count !== null) return `${summary.passed ? "✓" : "✗"} ${summary.failed_count} failing`;
  return summary.passed ? "✓ passing" : "✗ failing";
}

/** A URL as a markdown link target: a parenthesis, a space or an angle bracket in it would end or break the link. */
function linkTarget(url: string): string {
  return url.replace(/[()<>\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}
