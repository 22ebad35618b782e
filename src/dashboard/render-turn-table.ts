import type { Report } from "../report/report-schema.js";
import { fmt } from "./fmt.js";
import { html, type SafeHtml } from "./html.js";

/** The per-turn table: what each turn did, what the scaffolding did to it, and what it cost. */
export function renderTurnTable(report: Report): SafeHtml {
  const yesNo = (value: boolean) => (value ? html`<span class="ok">✓ yes</span>` : html`<span class="bad">✗ no</span>`);
  const rows = report.turns.map(
    (turn) => html`<tr class="${turn.kind === "summary" ? "summary-turn" : ""}">
<th scope="row" class="num">${turn.n}</th>
<td>${turn.kind}</td>
<td>${turn.tool ? html`<code>${turn.tool}</code>` : "–"}</td>
<td>${turn.kind === "summary" ? "–" : yesNo(turn.raw_valid)}</td>
<td>${turn.kind === "summary" ? "–" : yesNo(turn.valid)}</td>
<td>${turn.interventions.length ? html`<ul class="plain">${turn.interventions.map((name) => html`<li><code>${name}</code></li>`)}</ul>` : "–"}</td>
<td>${turn.failure_mode ? html`<code>${turn.failure_mode}</code>` : "–"}</td>
<td class="num">${fmt.count(turn.prompt_tokens)}</td>
<td class="num">${fmt.count(turn.completion_tokens)}</td>
<td class="num">${turn.attempts.length}</td>
<td class="num">${fmt.duration(turn.latency_ms)}</td>
<td class="what">${turn.error ?? turn.note ?? ""}</td>
</tr>`,
  );
  return html`<table class="turns">
<caption>Per-turn report: ${report.turns.length} turn${report.turns.length === 1 ? "" : "s"}</caption>
<thead><tr><th scope="col" class="num">Turn</th><th scope="col">Kind</th><th scope="col">Tool</th><th scope="col">Raw valid</th><th scope="col">Valid</th><th scope="col">Interventions</th><th scope="col">Failure mode</th><th scope="col" class="num">Prompt tokens</th><th scope="col" class="num">Completion tokens</th><th scope="col" class="num">Calls</th><th scope="col" class="num">Latency</th><th scope="col">What happened</th></tr></thead>
<tbody>${rows}</tbody>
</table>`;
}
