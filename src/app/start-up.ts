import type { Probot } from "probot";
import { describeGitHubFailure } from "../github/api/describe-github-failure.js";
import { postComment } from "../github/api/post-comment.js";
import { renderForGitHub } from "../github/render/render-for-github.js";
import type { JobScheduler } from "../jobs/create-job-scheduler.js";
import type { Job, JobLogger } from "../jobs/job-schema.js";
import { sweepWorkspaces } from "../jobs/sweep-workspaces.js";
import type { AppDeps } from "./app-deps.js";
import { recoveryMessage } from "./job-messages.js";
import type { JobEnding } from "./job/job-ending.js";
import { cancelledEnding, recoveryFailedEnding, supersededEnding } from "./job/job-endings.js";

/**
 * After a crash: resume what was running (with a comment), end what cannot resume (with its
 * check run completed), sweep orphaned workspaces, then start the scheduler.
 */
export async function startUp(params: { probot: Probot; deps: AppDeps; scheduler: JobScheduler; log: JobLogger; publish: (job: Job, ending: JobEnding) => Promise<unknown> }): Promise<void> {
  const { probot, deps, log } = params;
  // With the Redis queue a "running" job here is a session a worker runs (BullMQ bounds its
  // retries): this process only waits for it again, so it is neither failed nor announced as restarted.
  const maxAttempts = deps.workers ? Number.MAX_SAFE_INTEGER : (deps.maxAttempts ?? 2);
  const recovery = deps.store.recoverAfterCrash({ maxAttempts });
  for (const job of deps.workers ? [] : recovery.requeued) {
    try {
      const body = renderForGitHub({ parts: recoveryMessage({ resumed: true, attempts: job.attempts, maxAttempts }), secrets: [] });
      await postComment({ client: await probot.auth(job.installationId), repo: job.repo, number: job.number, body });
    } catch (error) {
      log.warn({ job: job.id, err: describeGitHubFailure(error) }, "could not comment about crash recovery");
    }
  }
  for (const job of recovery.failed) await params.publish(job, recoveryFailedEnding({ attempts: job.attempts, maxAttempts }));
  for (const job of recovery.cancelled) await params.publish(job, cancelledEnding({ by: null, started: true }));
  for (const job of recovery.superseded) await params.publish(job, supersededEnding({ by: (job.supersededBy && deps.store.get(job.supersededBy)?.actor) || "a writer" }));
  if (recovery.requeued.length + recovery.failed.length + recovery.cancelled.length + recovery.superseded.length > 0) {
    log.warn({ requeued: recovery.requeued.map((j) => j.id), failed: recovery.failed.map((j) => j.id), cancelled: recovery.cancelled.map((j) => j.id) }, "recovered jobs left by a crash");
  }
  const swept = await sweepWorkspaces({ dir: deps.workspacesDir, keep: new Set(params.scheduler.runningJobIds().map((id) => `job-${id}`)) });
  if (swept.removed.length > 0) log.info({ removed: swept.removed }, "removed orphaned workspaces");
  params.scheduler.kick();
}
