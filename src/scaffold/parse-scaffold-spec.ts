import { SCAFFOLD_LAYERS, type ScaffoldLayer } from "../protocol/turn-record.js";

export type ScaffoldSpecResult = { ok: true; layers: Set<ScaffoldLayer> } | { ok: false; message: string };

/**
 * `--scaffold all|none|LIST`: LIST is comma-separated layer names. `all,-loops` (everything but
 * one layer) is accepted too, which is what the benchmark's ablation rows use.
 */
export function parseScaffoldSpec(spec: string): ScaffoldSpecResult {
  const parts = spec
    .split(",")
    .map((part) => part.trim().toLowerCase())
    .filter(Boolean);
  if (parts.length === 0) return { ok: false, message: `--scaffold needs a value: all, none, or a list of ${SCAFFOLD_LAYERS.join(", ")}` };
  const layers = new Set<ScaffoldLayer>();
  for (const part of parts) {
    if (part === "all") {
      for (const layer of SCAFFOLD_LAYERS) layers.add(layer);
      continue;
    }
    if (part === "none") continue;
    const remove = part.startsWith("-");
    const name = remove ? part.slice(1) : part;
    if (!(SCAFFOLD_LAYERS as readonly string[]).includes(name)) {
      return { ok: false, message: `unknown scaffold layer "${name}"; the layers are: ${SCAFFOLD_LAYERS.join(", ")} (or all, none, all,-LAYER)` };
    }
    if (remove) layers.delete(name as ScaffoldLayer);
    else layers.add(name as ScaffoldLayer);
  }
  return { ok: true, layers };
}

/** Canonical order, for reports and benchmark rows. */
export function listLayers(layers: ReadonlySet<ScaffoldLayer>): ScaffoldLayer[] {
  return SCAFFOLD_LAYERS.filter((layer) => layers.has(layer));
}
