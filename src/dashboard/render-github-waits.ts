import type { GitHubWait } from "../jobs/job-schema.js";
import { fmt } from "./fmt.js";
import { githubUrls } from "./github-urls.js";
import { html, type SafeHtml } from "./html.js";
import type { GitHubWaitRow } from "./queue-snapshot.js";

/** What a job waits for on GitHub, in words: which step failed, how often, and when it is tried again. */
export function describeGitHubWait(wait: GitHubWait): string {
  const step = wait.stage === "intake" ? "its intake (permission, config, acknowledgement)" : "publishing its result";
  const next = wait.retryAt ? `next attempt ${fmt.time(wait.retryAt)}` : "tried again right away";
  return `GitHub failed ${step} ${wait.attempts} time(s) since ${fmt.time(wait.since)}; ${next}`;
}

/**
 * The queue page's "Waiting on GitHub" table: jobs held up because GitHub did not answer (the
 * same list `local-agent doctor` prints). Nothing is lost meanwhile; the app keeps trying.
 * Empty when GitHub answers, so the section only appears when it matters.
 */
export function renderGitHubWaits(rows: readonly GitHubWaitRow[]): SafeHtml | "" {
  if (rows.length === 0) return "";
  const body = rows.map((row) => {
    const href = githubUrls.issue(row.repo, row.number, row.target);
    const target = html`${href ? html`<a href="${href}">${row.repo}#${row.number}</a>` : `${row.repo}#${row.number}`} <span class="title">${row.title}</span>`;
    return html`<tr id="wait-${row.id}" data-stage="${row.wait.stage}"><th scope="row"><a href="/local-agent/jobs/${row.id}">${row.id}</a></th><td>${target}</td><td>${row.wait.stage === "intake" ? "intake" : "publishing the result"}</td><td class="num">${row.wait.attempts}</td><td><time datetime="${row.wait.since}">${fmt.time(row.wait.since)}</time></td><td>${row.wait.retryAt ? html`<time datetime="${row.wait.retryAt}">${fmt.time(row.wait.retryAt)}</time>` : "right away"}</td><td class="reason">${row.wait.reason}</td></tr>`;
  });
  return html`<h2 id="github-waits-heading">Waiting on GitHub</h2>
<p class="muted">GitHub did not answer for these jobs; nothing is lost, and the app tries again.</p>
<table aria-labelledby="github-waits-heading"><thead><tr><th scope="col">Job</th><th scope="col">Issue or pull request</th><th scope="col">Step</th><th scope="col" class="num">Failures</th><th scope="col">Since</th><th scope="col">Next attempt</th><th scope="col">Last failure</th></tr></thead><tbody>${body}</tbody></table>`;
}
