import type { Report } from "../../report/report-schema.js";
import { fmt } from "../fmt.js";
import { html, type SafeHtml } from "../html.js";
import { CHART, chartFrame, niceTicks, turnBand, yOf } from "./chart-frame.js";

/**
 * Prompt tokens per turn (the largest call of the turn) against the context budget the context
 * layer keeps to and the window the model was asked to hold (`num_ctx`), with the turns where a
 * scrollback summary was written (S) and where the tool schemas were re-injected (R).
 */
export function renderContextChart(report: Report): SafeHtml {
  const turns = report.turns;
  // A turn's retries re-send its prompt (plus the correction), so the largest call is the turn's size, not the sum.
  const prompt = turns.map((turn) => (turn.attempts.length > 0 ? Math.max(...turn.attempts.map((call) => call.prompt_tokens)) : turn.prompt_tokens));
  const budget = report.context_budget ?? null;
  const window = report.model.num_ctx;
  const yMax = Math.max(1, ...prompt, budget ?? 0, window ?? 0) * 1.08;
  const summaries = turns.filter((turn) => turn.kind === "summary" || turn.interventions.includes("summarized")).map((turn) => turn.n);
  const reinjected = turns.filter((turn) => turn.interventions.includes("schema_reinjected")).map((turn) => turn.n);
  const peak = Math.max(0, ...prompt);
  const description =
    `${turns.length} turns; the largest prompt was ${fmt.count(peak)} tokens` +
    (budget ? `, against a context budget of ${fmt.count(budget)}` : "") +
    (window ? ` and a model window (num_ctx) of ${fmt.count(window)}` : "") +
    `. Summaries at turn ${list(summaries)}; tool schemas re-injected at turn ${list(reinjected)}.`;
  const line = (value: number | null, kind: string, label: string) =>
    value === null
      ? ""
      : html`<line class="limit ${kind}" x1="${CHART.left}" x2="${CHART.width - CHART.right}" y1="${yOf(value, yMax).toFixed(1)}" y2="${yOf(value, yMax).toFixed(1)}"/><text class="limit-label ${kind}" x="${CHART.width - CHART.right - 4}" y="${(yOf(value, yMax) - 4).toFixed(1)}" text-anchor="end">${label}</text>`;
  const bars = turns.map((turn, index) => {
    const band = turnBand(index, turns.length);
    const y = yOf(prompt[index] ?? 0, yMax);
    const summary = summaries.includes(turn.n);
    const reinject = reinjected.includes(turn.n);
    const title = `Turn ${turn.n}${turn.kind === "summary" ? " (summary)" : ""}: ${fmt.count(prompt[index] ?? 0)} prompt tokens${summary ? "; scrollback summarized" : ""}${reinject ? "; tool schemas re-injected" : ""}`;
    return html`<g class="turn"><title>${title}</title><rect class="bar ${turn.kind === "summary" ? "bar-summary" : "bar-agent"}" x="${(band.x + band.width * 0.15).toFixed(1)}" y="${y.toFixed(1)}" width="${(band.width * 0.7).toFixed(1)}" height="${(CHART.height - CHART.bottom - y).toFixed(1)}"/>${
      summary ? html`<text class="mark mark-summary" x="${band.center.toFixed(1)}" y="${(y - 4).toFixed(1)}" text-anchor="middle">S</text>` : ""
    }${reinject ? html`<text class="mark mark-reinject" x="${band.center.toFixed(1)}" y="${(y - (summary ? 16 : 4)).toFixed(1)}" text-anchor="middle">R</text>` : ""}</g>`;
  });
  return chartFrame({
    id: "chart-context",
    title: "Prompt tokens per turn against the context budget and the model's window",
    description,
    yMax,
    yTicks: niceTicks(yMax / 1.08, (value) => (value >= 1000 ? `${Math.round(value / 100) / 10}k` : String(Math.round(value)))),
    turns: turns.map((turn) => turn.n),
    xLabel: "turn (S: scrollback summary, R: tool schemas re-injected)",
    body: html`${bars}${line(budget, "budget", budget === null ? "" : `context budget ${fmt.count(budget)}`)}${line(window, "window", window === null ? "" : `model window (num_ctx) ${fmt.count(window)}`)}`,
  });
}

function list(values: readonly number[]): string {
  return values.length === 0 ? "none" : values.join(", ");
}
