import type { Report } from "../../report/report-schema.js";
import { fmt } from "../fmt.js";
import { html, type SafeHtml } from "../html.js";
import { CHART, chartFrame, niceTicks, turnBand, yOf } from "./chart-frame.js";

/** Model time per turn (all of the turn's calls, retries included), with the number of calls when more than one. */
export function renderLatencyChart(report: Report): SafeHtml {
  const turns = report.turns;
  const seconds = turns.map((turn) => turn.latency_ms / 1000);
  const yMax = Math.max(0.001, ...seconds) * 1.1;
  const total = seconds.reduce((sum, value) => sum + value, 0);
  const slowest = turns[seconds.indexOf(Math.max(...seconds))];
  const description = `${turns.length} turns took ${fmt.duration(total * 1000)} of model time in all${slowest ? `; the slowest was turn ${slowest.n} at ${fmt.duration(slowest.latency_ms)}` : ""}.`;
  const bars = turns.map((turn, index) => {
    const band = turnBand(index, turns.length);
    const y = yOf(seconds[index] ?? 0, yMax);
    const calls = turn.attempts.length;
    return html`<g class="turn"><title>Turn ${turn.n}: ${fmt.duration(turn.latency_ms)} over ${calls} model call${calls === 1 ? "" : "s"}</title><rect class="bar ${turn.kind === "summary" ? "bar-summary" : "bar-latency"}" x="${(band.x + band.width * 0.15).toFixed(1)}" y="${y.toFixed(1)}" width="${(band.width * 0.7).toFixed(1)}" height="${(CHART.height - CHART.bottom - y).toFixed(1)}"/>${
      calls > 1 && band.width >= 14 ? html`<text class="mark" x="${band.center.toFixed(1)}" y="${(y - 4).toFixed(1)}" text-anchor="middle">×${calls}</text>` : ""
    }</g>`;
  });
  return chartFrame({
    id: "chart-latency",
    title: "Model latency per turn",
    description,
    yMax,
    yTicks: niceTicks(yMax / 1.1, (value) => `${Number(value.toFixed(1))} s`),
    turns: turns.map((turn) => turn.n),
    xLabel: "turn (×n: n model calls, the first and its retries)",
    body: html`${bars}`,
  });
}
