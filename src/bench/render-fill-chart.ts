import { findSimProfile } from "./sim/sim-profiles.js";
import type { BenchRow } from "./bench-result-schema.js";

const WIDTH = 820;
const HEIGHT = 400;
const LEFT = 60;
const RIGHT = 300;
const TOP = 40;
const BOTTOM = 50;
/** Buckets with fewer calls are left out: a rate over a handful of calls is noise. */
const MIN_CALLS = 5;
const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

/**
 * An SVG line chart of raw tool-call validity against context fill (prompt tokens, bucketed), one
 * line per row, with the published curve of each simulated profile dashed for comparison. Buckets
 * with fewer than 5 calls leave a gap; points are sized by how many calls they pool.
 */
export function renderFillChart(rows: readonly BenchRow[]): string {
  const buckets = rows[0]?.fill ?? [];
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const yMin = 0.4;
  const x = (i: number) => LEFT + (buckets.length <= 1 ? plotW / 2 : (i * plotW) / (buckets.length - 1));
  const y = (v: number) => TOP + ((1 - Math.max(yMin, Math.min(1, v))) / (1 - yMin)) * plotH;
  const label = (from: number, to: number | null) => (to === null ? `${from / 1000}k+` : `${from / 1000}–${to / 1000}k`);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`);
  parts.push(`<title>Tool-call validity (raw) against context fill</title>`);
  parts.push(`<rect x="0" y="0" width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`);
  parts.push(`<text x="${LEFT}" y="22" font-size="14" font-weight="bold">Raw tool-call validity by context fill</text>`);
  for (let v = yMin; v <= 1.0001; v += 0.1) {
    parts.push(`<line x1="${LEFT}" y1="${y(v).toFixed(1)}" x2="${LEFT + plotW}" y2="${y(v).toFixed(1)}" stroke="#e0e0e0"/>`);
    parts.push(`<text x="${LEFT - 8}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${Math.round(v * 100)}%</text>`);
  }
  buckets.forEach((bucket, i) => {
    parts.push(`<text x="${x(i).toFixed(1)}" y="${TOP + plotH + 18}" text-anchor="middle">${escapeXml(label(bucket.from, bucket.to))}</text>`);
  });
  parts.push(`<text x="${LEFT + plotW / 2}" y="${HEIGHT - 10}" text-anchor="middle">prompt tokens (buckets with ≥ ${MIN_CALLS} calls)</text>`);
  parts.push(`<line x1="${LEFT}" y1="${TOP + plotH}" x2="${LEFT + plotW}" y2="${TOP + plotH}" stroke="#333"/>`);
  parts.push(`<line x1="${LEFT}" y1="${TOP}" x2="${LEFT}" y2="${TOP + plotH}" stroke="#333"/>`);

  const legend: { text: string; color: string; dashed: boolean }[] = [];
  const drawn = new Set<string>();
  rows.forEach((row, index) => {
    const color = COLORS[index % COLORS.length] ?? "#000";
    const points = row.fill.map((bucket, i) => (bucket.validity_raw === null || bucket.calls < MIN_CALLS ? null : { x: x(i), y: y(bucket.validity_raw), calls: bucket.calls }));
    parts.push(...polyline(points.map((p) => (p ? { x: p.x, y: p.y } : null)), color, false));
    for (const point of points) {
      if (point) parts.push(`<circle cx="${point.x.toFixed(1)}" cy="${point.y.toFixed(1)}" r="${Math.min(6, 2 + Math.log10(point.calls + 1) * 1.5).toFixed(1)}" fill="${color}"/>`);
    }
    legend.push({ text: `${row.model} · ${row.scaffold}`, color, dashed: false });
    const profile = row.model.startsWith("sim:") ? findSimProfile(row.model.slice(4)) : null;
    if (profile && !drawn.has(profile.name)) {
      drawn.add(profile.name);
      const curve = buckets.map((bucket, i) => ({ x: x(i), y: y(interpolate(profile.published.fill, bucket.to === null ? bucket.from + 8000 : (bucket.from + bucket.to) / 2)) }));
      parts.push(...polyline(curve, color, true));
      legend.push({ text: `published ${profile.published.model} ${profile.published.quantization}`, color, dashed: true });
    }
  });
  legend.forEach((entry, i) => {
    const ly = TOP + 10 + i * 18;
    const lx = LEFT + plotW + 16;
    parts.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 22}" y2="${ly}" stroke="${entry.color}" stroke-width="2"${entry.dashed ? ' stroke-dasharray="5 3"' : ""}/>`);
    parts.push(`<text x="${lx + 28}" y="${ly + 4}">${escapeXml(truncate(entry.text, 40))}</text>`);
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}

function polyline(points: readonly ({ x: number; y: number } | null)[], color: string, dashed: boolean): string[] {
  const out: string[] = [];
  let run: { x: number; y: number }[] = [];
  const flush = () => {
    if (run.length >= 2) {
      out.push(`<polyline fill="none" stroke="${color}" stroke-width="2"${dashed ? ' stroke-dasharray="5 3" opacity="0.7"' : ""} points="${run.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" ")}"/>`);
    }
    run = [];
  };
  for (const point of points) {
    if (point) run.push(point);
    else flush();
  }
  flush();
  return out;
}

function interpolate(curve: readonly (readonly [number, number])[], tokens: number): number {
  const first = curve[0];
  if (!first) return 1;
  if (tokens <= first[0]) return first[1];
  for (let i = 1; i < curve.length; i++) {
    const [t1, v1] = curve[i - 1] ?? first;
    const [t2, v2] = curve[i] ?? first;
    if (tokens <= t2) return v1 + ((v2 - v1) * (tokens - t1)) / (t2 - t1);
  }
  return curve[curve.length - 1]?.[1] ?? first[1];
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
