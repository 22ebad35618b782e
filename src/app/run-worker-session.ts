import { z } from "zod";
import type { GitHubClient } from "../github/api/github-client.js";
import type { ExecuteResult } from "../jobs/create-job-scheduler.js";
import type { JobLogger } from "../jobs/job-schema.js";
import { dispatchedJobSchema } from "../jobs/redis/dispatched-job-schema.js";
import { verifySession } from "../jobs/redis/sign-session.js";
import type { SessionContext } from "../jobs/redis/start-redis-worker.js";
import type { AppDeps } from "./app-deps.js";
import { executeJob } from "./execute-job.js";

/**
 * Redis queue mode, one session on a worker: the receiver's job is checked, stored in this
 * worker's own store under the receiver's id (the branch, the report files and the dashboard link
 * are named after it) and run through the same stages as on one box, which publish to GitHub.
 * A session taken over from a dead worker counts that worker's start as an attempt.
 */
export async function runWorkerSession(params: {
  session: SessionContext;
  deps: AppDeps;
  client: (installationId: number) => Promise<GitHubClient>;
  appClient: () => Promise<GitHubClient>;
  bot: (installationId: number) => Promise<{ name: string; email: string }>;
  log: JobLogger;
}): Promise<ExecuteResult> {
  const { session, deps, log } = params;
  // Thrown, so BullMQ fails the session and the receiver (if it queued it) closes the check run with the message.
  const signed = verifySession(session.work.payload, deps.config.webhookSecret);
  if (signed === null)
    throw new Error(
      `session ${session.jobId} is not signed with this app's webhook secret: refused (give every box the same WEBHOOK_SECRET)`,
    );
  const parsed = dispatchedJobSchema.safeParse(signed);
  if (!parsed.success)
    throw new Error(
      `session ${session.jobId} does not carry a job this worker can run:\n${z.prettifyError(parsed.error)}`,
    );
  const job = deps.store.adopt({ ...parsed.data, attempts: parsed.data.attempts + session.previousStarts });
  log.info(
    {
      job: job.id,
      session: session.jobId,
      repo: job.repo,
      number: job.number,
      attempt: job.attempts,
      previousStarts: session.previousStarts,
    },
    "session started",
  );
  const result = await executeJob({
    job,
    signal: session.signal,
    client: await params.client(job.installationId),
    appClient: await params.appClient(),
    bot: () => params.bot(job.installationId),
    deps,
    log,
  });
  deps.store.transition(job.id, ["running"], result.status, {
    outcome: result.outcome ?? null,
    error: result.error ?? null,
    ...(result.report === undefined ? {} : { report: result.report }),
  });
  log.info(
    { job: job.id, session: session.jobId, status: result.status, outcome: result.outcome ?? null },
    "session finished",
  );
  return result;
}
