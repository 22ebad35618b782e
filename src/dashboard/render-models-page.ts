import type { GpuFacts } from "../preflight/gpu-facts.js";
import { fmt } from "./fmt.js";
import { html, type SafeHtml } from "./html.js";
import type { ModelHostView } from "./model-host-view.js";
import type { ModelHostStatus } from "../jobs/redis/watch-model-host.js";

const LEVEL_TEXT = { ok: "✓ ok", info: "ℹ info", warn: "⚠ warning", fail: "✗ problem" } as const;

/**
 * The models page: for every model the app may use, what its server has really loaded (context
 * allocated, memory in GPU, slots), this machine's GPUs, and the verdict `local-agent doctor` gives.
 */
export function renderModelsPage(params: {
  hosts: readonly ModelHostView[];
  gpus: readonly GpuFacts[] | null;
  /** Redis queue mode: the GPU boxes' model hosts as their workers reported them, or why Redis did not answer; null on one box. */
  boxes?: readonly ModelHostStatus[] | string | null;
  checkedAt: string;
}): SafeHtml {
  const gb = (bytes: number | null) => (bytes === null ? "–" : `${(bytes / 1e9).toFixed(1)} GB`);
  const host = (view: ModelHostView, index: number) => {
    const state = view.state;
    const verdict = view.error ? "fail" : view.findings.some((f) => f.level === "fail") ? "fail" : view.findings.some((f) => f.level === "warn") ? "warn" : "ok";
    return html`<section class="host" aria-labelledby="host-${index}">
<h2 id="host-${index}"><code>${view.spec}</code> <span class="badge level-${verdict}">${verdict === "ok" ? "✓ ready" : verdict === "warn" ? "⚠ will be slow or fragile" : "✗ will not run well"}</span></h2>
${view.error ? html`<p class="bad">${view.error}</p>` : ""}
${view.info ? html`<p>${[view.info.name, view.info.quantization, view.info.numCtx ? `asks for num_ctx ${fmt.count(view.info.numCtx)}` : null, view.info.contextLength ? `trained context ${fmt.count(view.info.contextLength)}` : null, view.info.backendVersion ? `${view.info.backend} ${view.info.backendVersion}` : null].filter(Boolean).join(" · ")}${state ? html` · server <code>${state.host}</code>` : ""}</p>` : ""}
${
  state
    ? state.loaded.length === 0
      ? html`<p class="empty">Nothing is loaded on this server now.</p>`
      : html`<table><caption>Loaded now</caption><thead><tr><th scope="col">Model</th><th scope="col" class="num">Context allocated</th><th scope="col" class="num">Size</th><th scope="col" class="num">In GPU memory</th><th scope="col">Unloads</th></tr></thead><tbody>${state.loaded.map(
          (model) =>
            html`<tr${model === state.target ? html` class="target"` : ""}><th scope="row">${model.name}${model === state.target ? " (this model)" : ""}</th><td class="num">${fmt.count(model.contextLength)}</td><td class="num">${gb(model.sizeBytes)}</td><td class="num">${gb(model.vramBytes)}${model.sizeBytes && model.vramBytes !== null ? ` (${Math.round((model.vramBytes / model.sizeBytes) * 100)}%)` : ""}</td><td>${fmt.time(model.expiresAt)}</td></tr>`,
        )}</tbody></table>`
    : ""
}
${
  state?.slots
    ? html`<table><caption>llama-server slots</caption><thead><tr><th scope="col">Slot</th><th scope="col" class="num">Context</th><th scope="col">State</th></tr></thead><tbody>${state.slots.map((slot) => html`<tr><th scope="row">${slot.id}</th><td class="num">${fmt.count(slot.contextLength)}</td><td>${slot.busy ? "busy" : "idle"}</td></tr>`)}</tbody></table>`
    : ""
}
${view.findings.length ? html`<h3>Verdict</h3><ul class="findings">${view.findings.map((finding) => html`<li class="level-${finding.level}"><strong>${LEVEL_TEXT[finding.level]}</strong> ${finding.text}${finding.remedy ? html`. <em>What to do:</em> ${finding.remedy}` : ""}</li>`)}</ul>` : ""}
</section>`;
  };
  return html`<h1>Models</h1>
<p class="muted">Read from the model servers at ${fmt.time(params.checkedAt)}. This page only looks: a model that is not loaded now is loaded, with the run's context, when a job starts (and the job's preflight checks it then).</p>
${params.hosts.map(host)}
${params.boxes === undefined || params.boxes === null ? "" : renderBoxes(params.boxes)}
<section aria-labelledby="gpu-heading">
<h2 id="gpu-heading">GPUs on this machine</h2>
${
  params.gpus === null
    ? html`<p class="empty">No <code>nvidia-smi</code> on this machine's PATH, so no NVIDIA GPU figures (the model server may run elsewhere).</p>`
    : html`<table><thead><tr><th scope="col">GPU</th><th scope="col" class="num">Memory used</th><th scope="col" class="num">Memory total</th><th scope="col" class="num">Busy</th><th scope="col">Verdict</th></tr></thead><tbody>${params.gpus.map((gpu) => {
        const share = gpu.memoryTotalMiB ? gpu.memoryUsedMiB / gpu.memoryTotalMiB : 0;
        // Past 90% of GPU memory latency spikes (DESIGN §1): the same line doctor draws.
        const verdict = share > 0.9 ? html`<span class="level-warn">⚠ past 90% of memory: latency spikes</span>` : html`<span class="level-ok">✓ room to spare</span>`;
        return html`<tr><th scope="row">${gpu.index}: ${gpu.name}</th><td class="num">${fmt.count(gpu.memoryUsedMiB)} MiB (${Math.round(share * 100)}%)</td><td class="num">${fmt.count(gpu.memoryTotalMiB)} MiB</td><td class="num">${gpu.utilizationPercent === null ? "–" : `${gpu.utilizationPercent}%`}</td><td>${verdict}</td></tr>`;
      })}</tbody></table>`
}
</section>`;
}

/** The GPU boxes of a Redis queue set-up: each worker's model host, up or down, and since when. */
function renderBoxes(boxes: readonly ModelHostStatus[] | string): SafeHtml {
  const body =
    typeof boxes === "string"
      ? html`<p class="bad">The Redis queue did not answer: ${boxes}</p>`
      : boxes.length === 0
        ? html`<p class="empty">No worker has reported yet: start <code>local-agent worker --model-host URL</code> on each GPU box.</p>`
        : html`<table><thead><tr><th scope="col">Model host</th><th scope="col" class="num">Slots</th><th scope="col">State</th><th scope="col">Since</th><th scope="col">Last checked</th></tr></thead><tbody>${boxes.map(
            (box) =>
              html`<tr><th scope="row"><code>${box.url}</code></th><td class="num">${box.slots}</td><td>${box.status === "up" ? html`<span class="level-ok">✓ up</span>` : html`<span class="level-fail">✗ down</span>: ${box.reason ?? "no reason given"}; its sessions go to the other boxes`}</td><td>${fmt.time(box.since)}</td><td>${fmt.time(box.checkedAt)}</td></tr>`,
          )}</tbody></table>`;
  return html`<section aria-labelledby="boxes-heading">
<h2 id="boxes-heading">GPU boxes (Redis queue)</h2>
${body}
</section>`;
}
