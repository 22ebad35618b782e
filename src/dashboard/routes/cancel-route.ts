import { verifyCsrfToken } from "../auth/verify-csrf-token.js";
import { cancelJob } from "../cancel-job.js";
import { renderMessagePage } from "../render-message-page.js";
import { readForm } from "../read-form.js";
import type { RequestContext } from "../request-context.js";
import { requireViewer } from "./require-viewer.js";

/**
 * `POST /local-agent/jobs/:id/cancel`, for a viewer with write access to the job's repository.
 * A form from another site is refused three ways: its Origin, the browser's Sec-Fetch-Site, and
 * the CSRF token it cannot know.
 */
export async function cancelRoute(ctx: RequestContext, id: number): Promise<void> {
  if (!requireViewer(ctx, "page")) return;
  const refuse = (status: number, text: string) =>
    ctx.page({ status, title: "Not cancelled", section: "queue", body: renderMessagePage({ heading: "Not cancelled", text, action: { href: "/local-agent/queue", label: "Back to the queue" } }) });
  const form = await readForm(ctx.req).catch(() => new URLSearchParams());
  const origin = ctx.req.headers.origin;
  const site = ctx.req.headers["sec-fetch-site"];
  const publicOrigin = ctx.shared.deps.config.publicUrl ? new URL(ctx.shared.deps.config.publicUrl).origin : null;
  // Behind a proxy the Host header may be the proxy's upstream address, so the public origin counts as ours too.
  const foreignOrigin = origin !== undefined && origin !== publicOrigin && (origin === "null" || safeHost(origin) !== ctx.req.headers.host);
  const crossSite = foreignOrigin || (site !== undefined && site !== "same-origin" && site !== "none");
  if (ctx.viewer.kind === "anonymous" || crossSite || !verifyCsrfToken(ctx.shared.csrfSecret, ctx.viewer.csrfKey, form.get("csrf") ?? undefined)) {
    return refuse(403, "This request did not come from a dashboard page (its form token is missing or wrong). Open the queue page and use its Cancel button.");
  }
  const job = ctx.shared.deps.store.get(id);
  if (!job || !(await ctx.mayAccess(job.repo, job.installationId))) {
    return refuse(403, `You cannot cancel job ${id}: it does not exist, or you do not have write access to its repository.`);
  }
  if (job.status !== "pending" && job.status !== "queued" && job.status !== "running") return ctx.redirect(`/local-agent/queue?refused=${id}`);
  await cancelJob({ deps: ctx.shared.deps, job, by: ctx.viewer.kind === "user" ? ctx.viewer.login : null });
  ctx.redirect(`/local-agent/queue?cancelled=${id}`);
}

function safeHost(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}
