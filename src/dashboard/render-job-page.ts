import type { Job } from "../jobs/job-schema.js";
import { fmt } from "./fmt.js";
import { githubUrls } from "./github-urls.js";
import { html, type SafeHtml } from "./html.js";
import { describeGitHubWait } from "./render-github-waits.js";

/** A job that has no run yet (waiting, refused, or failed before the agent started). */
export function renderJobPage(params: { job: Job; position: number | null }): SafeHtml {
  const { job } = params;
  const title = typeof job.payload.title === "string" ? job.payload.title : "";
  const issue = githubUrls.issue(job.repo, job.number, job.target);
  return html`<p class="crumbs"><a href="/local-agent/queue">Queue</a> › job ${job.id}</p>
<h1>Job ${job.id}: ${title || `${job.repo}#${job.number}`}</h1>
<dl class="facts">
<dt>Issue or pull request</dt><dd>${issue ? html`<a href="${issue}">${job.repo}#${job.number}</a>` : `${job.repo}#${job.number}`}</dd>
<dt>Requested by</dt><dd>@${job.actor} with ${job.trigger === "label" ? "the label" : "/fix"}</dd>
<dt>Status</dt><dd><span class="badge status-${job.status}">${job.status}</span>${params.position !== null ? ` (position ${params.position} in the queue)` : ""}</dd>
${job.githubWait ? html`<dt>Waiting on GitHub</dt><dd>${describeGitHubWait(job.githubWait)}; last: ${job.githubWait.reason}</dd>` : ""}
${job.error ? html`<dt>Why</dt><dd>${job.error}</dd>` : ""}
<dt>Requested</dt><dd>${fmt.time(job.createdAt)}</dd>
${job.startedAt ? html`<dt>Started</dt><dd>${fmt.time(job.startedAt)}</dd>` : ""}
${job.finishedAt ? html`<dt>Finished</dt><dd>${fmt.time(job.finishedAt)}</dd>` : ""}
</dl>
<p>${job.status === "running" ? "The run page appears here when the agent has finished; the queue page shows its progress live." : "This job has no agent run: the run page appears here once it has one."}</p>`;
}
