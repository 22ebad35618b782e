import type { GitHubWait } from "../job-schema.js";
import type { StoreContext } from "./store-context.js";

/**
 * Records that GitHub failed an active job's intake or publishing: the failure, when it is tried
 * again, and the attempts so far (the wait's start is kept). Null when the job is not active.
 */
export function noteGitHubWait(ctx: StoreContext, id: number, wait: { stage: GitHubWait["stage"]; reason: string; retryAt: string | null }): GitHubWait | null {
  return ctx.transaction(() => {
    const job = ctx.getJob(id);
    if (!job || !["pending", "queued", "running"].includes(job.status)) return null;
    const at = ctx.now();
    const next: GitHubWait = { ...wait, attempts: (job.githubWait?.attempts ?? 0) + 1, since: job.githubWait?.since ?? at };
    ctx.db.prepare("UPDATE jobs SET github_wait = ?, updated_at = ? WHERE id = ?").run(JSON.stringify(next), at, id);
    return next;
  });
}
