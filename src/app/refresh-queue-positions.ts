import { updateQueuedCheckRun } from "../github/api/check-runs.js";
import { describeGitHubFailure } from "../github/api/describe-github-failure.js";
import type { GitHubClient } from "../github/api/github-client.js";
import type { JobLogger } from "../jobs/job-schema.js";
import type { JobStore } from "../jobs/open-job-store.js";
import { queuedCheckOutput } from "./queued-check-output.js";

/**
 * Keeps the queue position on queued check runs true: after a job starts or is queued, every
 * queued check run whose place in the fair order changed is rewritten (only those; the place
 * shown is stored with the job). Calls coalesce: one refresh at a time, and one more after it
 * when the queue changed meanwhile.
 */
export function createQueuePositionRefresher(params: { store: JobStore; client: (installationId: number) => Promise<GitHubClient>; log: JobLogger }): {
  refresh(): Promise<void>;
} {
  let running: Promise<void> | null = null;
  let again = false;

  async function once(): Promise<void> {
    const positions = params.store.queuePositions();
    for (const job of params.store.list({ status: "queued" })) {
      const position = positions.get(job.id);
      if (job.checkRunId === null || position === undefined || position === job.positionShown) continue;
      try {
        await updateQueuedCheckRun({ client: await params.client(job.installationId), repo: job.repo, checkRunId: job.checkRunId, output: queuedCheckOutput({ job, position }) });
        params.store.update(job.id, { positionShown: position });
      } catch (error) {
        params.log.warn({ job: job.id, err: describeGitHubFailure(error) }, "could not update the queue position on the check run");
      }
    }
  }

  return {
    refresh() {
      if (running) {
        again = true;
        return running;
      }
      running = (async () => {
        do {
          again = false;
          await once();
        } while (again);
      })().finally(() => {
        running = null;
      });
      return running;
    },
  };
}
