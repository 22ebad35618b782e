import { cancelledMessage } from "../app/job-messages.js";
import { completeCheckRun } from "../github/api/check-runs.js";
import { postComment } from "../github/api/post-comment.js";
import type { Job } from "../jobs/job-schema.js";
import type { DashboardDeps } from "./dashboard-deps.js";

/**
 * Cancels a job from the dashboard the way `/cancel` does: waiting jobs of its issue or pull
 * request are cancelled and their queued check runs closed; a running one is aborted and reports
 * itself (comment and check run) as it stops.
 */
export async function cancelJob(params: { deps: DashboardDeps; job: Job; by: string | null }): Promise<{ cancelled: number[]; running: number | null }> {
  const { deps, job } = params;
  const result = deps.scheduler.cancel(job.repo, job.number);
  const who = params.by ? `@${params.by}` : "the app's operator";
  deps.log.info({ job: job.id, by: params.by ?? "local", cancelled: result.cancelled.map((j) => j.id), running: result.running?.id ?? null }, "cancelled from the dashboard");
  if (result.cancelled.length > 0) {
    try {
      const client = await deps.installationClient(job.installationId);
      for (const cancelled of result.cancelled) {
        if (cancelled.checkRunId === null) continue;
        await completeCheckRun({
          client,
          repo: job.repo,
          checkRunId: cancelled.checkRunId,
          conclusion: "cancelled",
          output: { title: "Cancelled", summary: `Cancelled from the dashboard by ${who} before it started.` },
          completedAt: deps.now(),
        }).catch((error: unknown) => deps.log.warn({ err: String(error), job: cancelled.id }, "could not close the check run of a cancelled job"));
      }
      if (result.running === null) {
        await postComment({ client, repo: job.repo, number: job.number, body: cancelledMessage({ by: params.by }) }).catch((error: unknown) =>
          deps.log.warn({ err: String(error) }, "could not comment on a cancelled job"),
        );
      }
    } catch (error) {
      deps.log.warn({ err: error instanceof Error ? error.message : String(error), job: job.id }, "could not tell GitHub about a cancelled job");
    }
  }
  return { cancelled: result.cancelled.map((j) => j.id), running: result.running?.id ?? null };
}
