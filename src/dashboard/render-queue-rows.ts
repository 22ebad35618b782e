import { fmt } from "./fmt.js";
import { githubUrls } from "./github-urls.js";
import { html, type SafeHtml } from "./html.js";
import type { FinishedRow, QueueRow, QueueSnapshot } from "./queue-snapshot.js";
import { renderGitHubWaits } from "./render-github-waits.js";

/**
 * The live part of the queue page: running jobs with their progress, waiting jobs with their
 * place in the fair queue (the number their check run shows), jobs waiting on GitHub, and
 * recently finished ones. The page renders it once; the server-sent events
 * carry the same fragment again whenever it changes, so there is one renderer either way.
 */
export function renderQueueRows(params: { snapshot: QueueSnapshot; csrf: string | null }): SafeHtml {
  const { snapshot } = params;
  const target = (row: { repo: string; number: number; title: string }, kind: "issue" | "pull_request" = "issue") => {
    const href = githubUrls.issue(row.repo, row.number, kind);
    return html`${href ? html`<a href="${href}">${row.repo}#${row.number}</a>` : `${row.repo}#${row.number}`} <span class="title">${row.title}</span>`;
  };
  const cancel = (row: QueueRow) =>
    row.canCancel && params.csrf && !row.cancelRequested
      ? html`<form method="post" action="/local-agent/jobs/${row.id}/cancel" class="inline"><input type="hidden" name="csrf" value="${params.csrf}"><button type="submit" aria-label="Cancel job ${row.id} (${row.repo}#${row.number})">Cancel</button></form>`
      : row.cancelRequested
        ? html`<span class="muted">cancelling…</span>`
        : "";
  const progress = (row: QueueRow) => {
    const p = row.progress;
    if (!p) return html`<span class="muted">starting…</span>`;
    return html`${p.modelCalls} model call${p.modelCalls === 1 ? "" : "s"}${p.summaryCalls ? ` (${p.summaryCalls} summaries)` : ""} · context ${fmt.count(p.lastPromptTokens)} tokens · last call ${fmt.duration(p.lastLatencyMs)}, ${fmt.rate(p.lastTokensPerSecond)} tokens/s`;
  };
  const running = snapshot.running.map(
    (row) => html`<tr id="job-${row.id}" data-status="running"><th scope="row"><a href="/local-agent/jobs/${row.id}">${row.id}</a></th><td>${target(row, row.target)}</td><td>@${row.actor}</td><td><span class="badge status-running">▶ running</span></td><td class="progress">${progress(row)}</td><td><time datetime="${row.startedAt ?? ""}">${fmt.time(row.startedAt)}</time></td><td>${cancel(row)}</td></tr>`,
  );
  const waiting = snapshot.waiting.map(
    (row) => html`<tr id="job-${row.id}" data-status="${row.status}"><th scope="row"><a href="/local-agent/jobs/${row.id}">${row.id}</a></th><td>${target(row, row.target)}</td><td>@${row.actor}</td><td><span class="badge status-waiting">${row.status === "pending" ? "… checking" : "○ queued"}</span></td><td class="num">${row.position ?? "–"}</td><td><time datetime="${row.createdAt}">${fmt.time(row.createdAt)}</time></td><td>${cancel(row)}</td></tr>`,
  );
  const finished = snapshot.finished.map(
    (row: FinishedRow) => html`<tr id="job-${row.id}" data-status="${row.status}"><th scope="row"><a href="/local-agent/jobs/${row.id}">${row.id}</a></th><td>${target(row)}</td><td><span class="badge status-${row.status}">${row.status}</span>${row.outcome && row.outcome !== row.status ? html` <span class="muted">${row.outcome}</span>` : ""}</td><td>${row.runId !== null ? html`<a href="/local-agent/runs/${row.runId}">run ${row.runId}</a>` : (row.error ?? "")}</td><td><time datetime="${row.finishedAt ?? ""}">${fmt.time(row.finishedAt)}</time></td></tr>`,
  );
  const table = (caption: string, head: SafeHtml, rows: SafeHtml[], empty: string, id: string) =>
    rows.length === 0
      ? html`<h2 id="${id}">${caption}</h2><p class="empty">${empty}</p>`
      : html`<h2 id="${id}">${caption}</h2><table aria-labelledby="${id}"><thead>${head}</thead><tbody>${rows}</tbody></table>`;
  const onGitHub = snapshot.githubWaits.length > 0 ? `, ${snapshot.githubWaits.length} waiting on GitHub` : "";
  return html`<p id="queue-status" class="muted">${snapshot.running.length} running, ${snapshot.waiting.length} waiting${onGitHub}.</p>
${table("Running", html`<tr><th scope="col">Job</th><th scope="col">Issue or pull request</th><th scope="col">Requested by</th><th scope="col">Status</th><th scope="col">Progress</th><th scope="col">Started</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>`, running, "Nothing is running.", "running-heading")}
${table("Waiting", html`<tr><th scope="col">Job</th><th scope="col">Issue or pull request</th><th scope="col">Requested by</th><th scope="col">Status</th><th scope="col" class="num">Position</th><th scope="col">Requested</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>`, waiting, "Nothing is waiting.", "waiting-heading")}
${renderGitHubWaits(snapshot.githubWaits)}
${table("Recently finished", html`<tr><th scope="col">Job</th><th scope="col">Issue or pull request</th><th scope="col">Status</th><th scope="col">Run</th><th scope="col">Finished</th></tr>`, finished, "No job has finished yet.", "finished-heading")}`;
}
