import type { Report } from "../../report/report-schema.js";
import { fmt } from "../fmt.js";
import { html, type SafeHtml } from "../html.js";
import { CHART, turnBand } from "./chart-frame.js";

const ROWS = [
  { key: "raw", label: "raw", y: 52 },
  { key: "effective", label: "effective", y: 132 },
] as const;
const CELL = 56;

/**
 * Raw against effective tool-call validity per turn: the first reply parsed with no repair (top
 * row) and what the scaffolding made of it (bottom row). Each cell says ✓ or ✗ in text as well as
 * in colour; summary turns make no tool call and show a dash.
 */
export function renderValidityChart(report: Report): SafeHtml {
  const turns = report.turns;
  const agent = turns.filter((turn) => turn.kind === "agent");
  const rescued = agent.filter((turn) => !turn.raw_valid && turn.valid).length;
  const description = `Of ${agent.length} agent turns, ${agent.filter((turn) => turn.raw_valid).length} had a valid first reply and ${agent.filter((turn) => turn.valid).length} ended with a valid call (${rescued} rescued by the scaffolding). Run totals: raw validity ${fmt.percent(report.totals.validity_raw)} of model calls, effective ${fmt.percent(report.totals.validity_effective)} of turns.`;
  const cells = turns.map((turn, index) => {
    const band = turnBand(index, turns.length);
    return ROWS.map((row) => {
      const state = turn.kind === "summary" ? "none" : (row.key === "raw" ? turn.raw_valid : turn.valid) ? "valid" : "invalid";
      const mark = state === "none" ? "–" : state === "valid" ? "✓" : "✗";
      const words = state === "none" ? "no tool call (summary)" : state;
      const width = Math.max(2, band.width * 0.8);
      return html`<g class="cell"><title>Turn ${turn.n}, ${row.label}: ${words}${turn.interventions.length ? ` (${turn.interventions.join(", ")})` : ""}</title><rect class="validity-${state}" x="${(band.x + band.width * 0.1).toFixed(1)}" y="${row.y}" width="${width.toFixed(1)}" height="${CELL}"/>${
        band.width >= 14 ? html`<text class="cell-mark" x="${band.center.toFixed(1)}" y="${row.y + CELL / 2 + 5}" text-anchor="middle">${mark}</text>` : ""
      }</g>`;
    });
  });
  const step = Math.max(1, Math.ceil(turns.length / 20));
  return html`<svg id="chart-validity" class="chart" role="img" aria-labelledby="chart-validity-title chart-validity-desc" viewBox="0 0 ${CHART.width} ${CHART.height}" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">
<title id="chart-validity-title">Raw and effective tool-call validity per turn</title>
<desc id="chart-validity-desc">${description}</desc>
${ROWS.map((row) => html`<text class="tick" x="${CHART.left - 6}" y="${row.y + CELL / 2 + 4}" text-anchor="end">${row.label}</text>`)}
${cells}
${turns.map((turn, index) => (index % step === 0 ? html`<text class="tick" x="${turnBand(index, turns.length).center.toFixed(1)}" y="${CHART.height - CHART.bottom + 16}" text-anchor="middle">${turn.n}</text>` : ""))}
<text class="axis-label" x="${(CHART.left + CHART.width - CHART.right) / 2}" y="${CHART.height - 6}" text-anchor="middle">turn (✓ valid, ✗ invalid, – summary)</text>
</svg>`;
}
