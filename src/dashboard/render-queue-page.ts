import { html, type SafeHtml } from "./html.js";
import type { QueueSnapshot } from "./queue-snapshot.js";
import { renderQueueRows } from "./render-queue-rows.js";

/** The queue page. With JavaScript it updates itself from server-sent events; without, it reloads every 5 s. */
export function renderQueuePage(params: { snapshot: QueueSnapshot; csrf: string | null; notice: string | null }): { head: SafeHtml; body: SafeHtml } {
  return {
    head: html`<noscript><meta http-equiv="refresh" content="5"></noscript>`,
    body: html`<h1>Queue</h1>
${params.notice ? html`<p class="notice" role="status">${params.notice}</p>` : ""}
<div id="queue-live" data-events="/local-agent/queue/events">${renderQueueRows({ snapshot: params.snapshot, csrf: params.csrf })}</div>`,
  };
}
