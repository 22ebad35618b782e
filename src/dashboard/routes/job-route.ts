import { renderJobPage } from "../render-job-page.js";
import { renderMessagePage } from "../render-message-page.js";
import type { RequestContext } from "../request-context.js";
import { requireViewer } from "./require-viewer.js";

/**
 * `GET /local-agent/jobs/:id`, the address pull requests and check runs link to (known before the
 * job runs): the job's latest run once it has one, else the job's own state.
 */
export async function jobRoute(ctx: RequestContext, id: number): Promise<void> {
  if (!requireViewer(ctx, "page")) return;
  const job = ctx.shared.deps.store.get(id);
  if (!job || !(await ctx.mayAccess(job.repo, job.installationId))) {
    return ctx.page({ status: 404, title: "Job not found", section: "queue", body: renderMessagePage({ heading: "Job not found", text: `There is no job ${id}, or you do not have write access to its repository.`, action: { href: "/local-agent/queue", label: "The queue" } }) });
  }
  const run = ctx.shared.deps.runs.latestForJob(id);
  if (run && job.status !== "running") return ctx.redirect(`/local-agent/runs/${run.id}`);
  ctx.page({ title: `Job ${id}`, section: "queue", body: renderJobPage({ job, position: ctx.shared.deps.store.queuePosition(id) }) });
}
