import { cancelledMessage } from "../app/job-messages.js";
import { cancelledEnding } from "../app/job/job-endings.js";
import { describeGitHubFailure } from "../github/api/describe-github-failure.js";
import { postComment } from "../github/api/post-comment.js";
import { renderForGitHub } from "../github/render/render-for-github.js";
import type { Job } from "../jobs/job-schema.js";
import type { DashboardDeps } from "./dashboard-deps.js";

/**
 * Cancels a job from the dashboard the way `/cancel` does: waiting jobs of its issue or pull
 * request are cancelled and end through the app's one publisher (their queued check runs are
 * completed); a running one is aborted and reports itself (comment and check run) as it stops.
 */
export async function cancelJob(params: { deps: DashboardDeps; job: Job; by: string | null }): Promise<{ cancelled: number[]; running: number | null }> {
  const { deps, job } = params;
  const result = deps.scheduler.cancel(job.repo, job.number);
  const who = params.by ? `@${params.by}` : "the app's operator";
  deps.log.info({ job: job.id, by: params.by ?? "local", cancelled: result.cancelled.map((j) => j.id), running: result.running?.id ?? null }, "cancelled from the dashboard");
  const ending = cancelledEnding({ by: params.by, started: false });
  const fromDashboard = { ...ending, check: { ...ending.check, summary: [{ own: `Cancelled from the dashboard by ${who} before it started.` }] } };
  // Awaited (and tracked, so a shutdown waits too): the page that follows shows the job ended on GitHub as well.
  const published = Promise.all(result.cancelled.map((cancelled) => deps.publish(cancelled, fromDashboard)));
  deps.scheduler.track(published);
  await published;
  if (result.cancelled.length > 0 && result.running === null) {
    try {
      const client = await deps.installationClient(job.installationId);
      await postComment({ client, repo: job.repo, number: job.number, body: renderForGitHub({ parts: cancelledMessage({ by: params.by }), secrets: [] }) });
    } catch (error) {
      deps.log.warn({ err: describeGitHubFailure(error), job: job.id }, "could not comment on a job cancelled from the dashboard");
    }
  }
  return { cancelled: result.cancelled.map((j) => j.id), running: result.running?.id ?? null };
}
