import { html, type SafeHtml } from "../html.js";

export const CHART = { width: 720, height: 240, left: 64, right: 16, top: 24, bottom: 40 } as const;

/** Where turn `index` (0-based, of `count`) sits on the x axis: the band's left edge and width. */
export function turnBand(index: number, count: number): { x: number; width: number; center: number } {
  const plot = CHART.width - CHART.left - CHART.right;
  const width = plot / Math.max(1, count);
  const x = CHART.left + index * width;
  return { x, width, center: x + width / 2 };
}

/** Maps a value to the y axis of a chart whose top is `max`. */
export function yOf(value: number, max: number): number {
  const plot = CHART.height - CHART.top - CHART.bottom;
  return CHART.top + plot * (1 - Math.min(1, Math.max(0, value / Math.max(max, 1))));
}

/**
 * The shared frame of the run page's charts: an accessible SVG (`role="img"`, a `<title>` and a
 * `<desc>` that says the figures in words, for screen readers and for when the picture is
 * unclear), gridlines with labels, turn numbers on the x axis, and the chart's own marks.
 */
export function chartFrame(params: {
  id: string;
  title: string;
  description: string;
  yMax: number;
  yTicks: readonly { value: number; label: string }[];
  turns: readonly number[];
  xLabel: string;
  body: SafeHtml;
}): SafeHtml {
  const { width, height, left, right, top, bottom } = CHART;
  const step = Math.max(1, Math.ceil(params.turns.length / 20));
  return html`<svg id="${params.id}" class="chart" role="img" aria-labelledby="${params.id}-title ${params.id}-desc" viewBox="0 0 ${width} ${height}" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">
<title id="${params.id}-title">${params.title}</title>
<desc id="${params.id}-desc">${params.description}</desc>
${params.yTicks.map(
  (tick) =>
    html`<line class="grid" x1="${left}" x2="${width - right}" y1="${yOf(tick.value, params.yMax).toFixed(1)}" y2="${yOf(tick.value, params.yMax).toFixed(1)}"/><text class="tick" x="${left - 6}" y="${(yOf(tick.value, params.yMax) + 4).toFixed(1)}" text-anchor="end">${tick.label}</text>`,
)}
<line class="axis" x1="${left}" x2="${width - right}" y1="${height - bottom}" y2="${height - bottom}"/>
<line class="axis" x1="${left}" x2="${left}" y1="${top}" y2="${height - bottom}"/>
${params.turns.map((n, index) =>
  index % step === 0 ? html`<text class="tick" x="${turnBand(index, params.turns.length).center.toFixed(1)}" y="${height - bottom + 16}" text-anchor="middle">${n}</text>` : "",
)}
<text class="axis-label" x="${(left + width - right) / 2}" y="${height - 6}" text-anchor="middle">${params.xLabel}</text>
${params.body}
</svg>`;
}

/** Round gridline values for an axis from 0 to `max`. */
export function niceTicks(max: number, format: (value: number) => string): { value: number; label: string }[] {
  if (!(max > 0)) return [{ value: 0, label: format(0) }];
  const rough = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= rough) ?? rough;
  const ticks: { value: number; label: string }[] = [];
  for (let value = 0; value <= max + 1e-9; value += step) ticks.push({ value, label: format(value) });
  return ticks;
}
