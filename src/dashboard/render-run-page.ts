import { testText } from "../github/render-pull-request-body.js";
import type { StoredRun } from "../store/run-store-schema.js";
import { renderContextChart } from "./charts/render-context-chart.js";
import { renderLatencyChart } from "./charts/render-latency-chart.js";
import { renderValidityChart } from "./charts/render-validity-chart.js";
import { fmt } from "./fmt.js";
import { githubUrls } from "./github-urls.js";
import { html, type SafeHtml } from "./html.js";
import { outcomeBadge } from "./outcome-badge.js";
import { renderDiff } from "./render-diff.js";
import { renderTurnTable } from "./render-turn-table.js";
import { safeHref } from "./safe-href.js";

/**
 * One run: the summary a reviewer reads first, links to GitHub and the downloads (report,
 * replayable transcript), the three charts, the per-turn table and the diff.
 */
export function renderRunPage(run: StoredRun): SafeHtml {
  const report = run.report;
  const t = report.totals;
  const m = report.model;
  const link = (href: string | null, label: string) => {
    const safe = safeHref(href);
    return safe ? html`<li><a href="${safe}">${label}</a></li>` : "";
  };
  const row = (term: string, value: SafeHtml | string) => html`<dt>${term}</dt><dd>${value}</dd>`;
  const interventions = Object.entries(t.interventions).filter(([, count]) => count > 0);
  const failures = Object.entries(t.failure_modes).filter(([, count]) => count > 0);
  return html`<p class="crumbs"><a href="/local-agent/runs">Runs</a> › run ${run.id}</p>
<h1>${run.title || report.task.title || "(untitled)"}</h1>
<p class="lead">${outcomeBadge(report.outcome)} <span>${report.exit_reason}</span></p>
<section aria-labelledby="summary-heading">
<h2 id="summary-heading">Summary</h2>
<dl class="facts">
${row("Repository", html`${run.repo}${run.number !== null ? ` #${run.number}` : ""}${run.source === "cli" ? " (local-agent run)" : ""}`)}
${row("Model", html`<code>${m.spec}</code> · ${[m.quantization, m.num_ctx ? `num_ctx ${fmt.count(m.num_ctx)}` : null, m.context_length ? `trained context ${fmt.count(m.context_length)}` : null, m.backend_version ? `${m.backend} ${m.backend_version}` : null].filter(Boolean).join(" · ")}`)}
${row("Task", html`${report.task.kind}; allowed files: ${report.task.allowed_files.length ? report.task.allowed_files.map((glob, i) => html`${i ? ", " : ""}<code>${glob}</code>`) : "none"}`)}
${row("Tests", html`${report.task.test_command ? html`<code>${report.task.test_command}</code>` : "no test command"}: ${testText(t.tests_before)} before → ${testText(t.tests_after)} after`)}
${row("Tool-call validity", `raw ${fmt.percent(t.validity_raw)} → effective ${fmt.percent(t.validity_effective)}`)}
${row("Turns", `${t.turns} (${t.model_calls} model calls, ${t.tool_calls} tool calls, ${t.retries} retries)`)}
${row("Interventions", interventions.length ? html`${interventions.map(([name, count], i) => html`${i ? ", " : ""}<code>${name}</code> ×${count}`)}` : "none")}
${row("Failure modes", failures.length ? html`${failures.map(([name, count], i) => html`${i ? ", " : ""}<code>${name}</code> ×${count}`)}` : "none")}
${row("Tokens", `${fmt.count(t.prompt_tokens)} prompt, ${fmt.count(t.completion_tokens)} completion; ${fmt.rate(run.tokensPerSecond)} tokens/s`)}
${row("Duration", html`${fmt.duration(report.duration_ms)}, started <time datetime="${report.started_at}">${fmt.time(report.started_at)}</time>`)}
${row("Scaffolding", report.scaffold.length ? report.scaffold.join(", ") : "none")}
${row("Sandbox", report.sandbox.mode)}
${report.files_changed.length ? row("Files changed", html`${report.files_changed.map((file, i) => html`${i ? ", " : ""}<code>${file}</code>`)}`) : ""}
</dl>
${report.summary ? html`<h3>The model's summary</h3><blockquote class="model-text">${report.summary}</blockquote>` : ""}
${report.answer ? html`<h3>The model's answer</h3><blockquote class="model-text">${report.answer}</blockquote>` : ""}
<ul class="links">
${link(run.pullRequestUrl, "Pull request")}
${link(githubUrls.issue(run.repo, run.number, run.target), run.target === "pull_request" ? "Pull request on GitHub" : "Issue on GitHub")}
${link(githubUrls.checkRun(run.repo, run.checkRunId), "Check run")}
${run.hasTranscript ? html`<li><a href="/local-agent/runs/${run.id}/transcript.jsonl" download="run-${run.id}.transcript.jsonl">Transcript (JSONL)</a>: replay it with <code>--model replay:run-${run.id}.transcript.jsonl</code></li>` : html`<li>No transcript was recorded for this run.</li>`}
<li><a href="/local-agent/runs/${run.id}.json">Run data (JSON)</a></li>
</ul>
</section>
<section aria-labelledby="charts-heading">
<h2 id="charts-heading">Charts</h2>
<figure>${renderContextChart(report)}<figcaption>Prompt tokens per turn; the dashed line is the context budget, the solid line the model's window.</figcaption></figure>
<figure>${renderValidityChart(report)}<figcaption>Raw validity (the first reply, no repair) and effective validity (after the scaffolding), per turn.</figcaption></figure>
<figure>${renderLatencyChart(report)}<figcaption>Model time per turn.</figcaption></figure>
</section>
<section aria-labelledby="turns-heading">
<h2 id="turns-heading">Turns</h2>
<div class="scroll">${renderTurnTable(report)}</div>
</section>
<section aria-labelledby="diff-heading">
<h2 id="diff-heading">Diff</h2>
${renderDiff(run.diff)}
</section>`;
}
