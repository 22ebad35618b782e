import { OUTCOMES } from "./outcomes.js";
import { fmt } from "./fmt.js";
import { html, type SafeHtml } from "./html.js";
import { outcomeBadge } from "./outcome-badge.js";
import type { RunSummary } from "../store/run-store-schema.js";

/**
 * The runs list: one row per run, newest first, filtered by repository and outcome with a plain
 * GET form (no script needed), and a link to older runs.
 */
export function renderRunsPage(params: { runs: readonly RunSummary[]; repos: readonly string[]; repo: string | null; outcome: string | null; olderHref: string | null }): SafeHtml {
  const rows = params.runs.map(
    (run) => html`<tr>
<td>${run.repo}${run.number !== null ? html` <span class="muted">#${run.number}</span>` : ""}${run.source === "cli" ? html` <span class="tag">CLI</span>` : ""}</td>
<td><a href="/local-agent/runs/${run.id}">${run.title || "(untitled)"}</a></td>
<td><code>${run.modelSpec}</code></td>
<td>${outcomeBadge(run.outcome)}</td>
<td class="num">${fmt.percent(run.validityEffective)}</td>
<td class="num">${run.turns}</td>
<td class="num">${fmt.duration(run.durationMs)}</td>
<td class="num">${fmt.rate(run.tokensPerSecond)}</td>
<td><time datetime="${run.startedAt}">${fmt.time(run.startedAt)}</time></td>
</tr>`,
  );
  return html`<h1>Runs</h1>
<form method="get" action="/local-agent/runs" class="filters" role="search" aria-label="Filter runs">
<label for="filter-repo">Repository</label>
<select id="filter-repo" name="repo"><option value="">all</option>${params.repos.map((repo) => html`<option value="${repo}"${repo.toLowerCase() === params.repo?.toLowerCase() ? html` selected` : ""}>${repo}</option>`)}</select>
<label for="filter-outcome">Outcome</label>
<select id="filter-outcome" name="outcome"><option value="">all</option>${OUTCOMES.map((outcome) => html`<option value="${outcome}"${outcome === params.outcome ? html` selected` : ""}>${outcome}</option>`)}</select>
<button type="submit">Filter</button>
</form>
${
  params.runs.length === 0
    ? params.repo || params.outcome
      ? html`<p class="empty">No runs match these filters.</p>`
      : html`<p class="empty">No runs yet: label an issue, or run <code>local-agent run --data-dir DIR</code>.</p>`
    : html`<table class="runs">
<caption>${params.runs.length} run${params.runs.length === 1 ? "" : "s"}, newest first</caption>
<thead><tr><th scope="col">Repository</th><th scope="col">Issue or task</th><th scope="col">Model</th><th scope="col">Outcome</th><th scope="col" class="num">Effective validity</th><th scope="col" class="num">Turns</th><th scope="col" class="num">Duration</th><th scope="col" class="num">Tokens/s</th><th scope="col">Started</th></tr></thead>
<tbody>${rows}</tbody>
</table>`
}
${params.olderHref ? html`<p><a href="${params.olderHref}" rel="next">Older runs</a></p>` : ""}`;
}
