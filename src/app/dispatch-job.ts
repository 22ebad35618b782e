import { z } from "zod";
import type { ExecuteResult } from "../jobs/create-job-scheduler.js";
import { jobAbortKind } from "../jobs/job-abort-kind.js";
import type { Job, JobLogger } from "../jobs/job-schema.js";
import { toDispatchedJob } from "../jobs/redis/dispatched-job-schema.js";
import type { RedisJobQueue } from "../jobs/redis/open-redis-queue.js";
import { queuedWorkSchema } from "../jobs/redis/queued-work-schema.js";
import { signSession } from "../jobs/redis/sign-session.js";
import { SessionRemovedError } from "../jobs/redis/wait-for-session-result.js";
import type { JobEnding } from "./job/job-ending.js";
import { cancelledEnding, supersededEnding } from "./job/job-endings.js";

/** What a worker's session returns (`executeJob`'s result), checked: the queue is shared. */
const executeResultSchema = z.object({
  status: z.enum(["done", "failed", "cancelled"]),
  outcome: z.string().nullable().optional(),
  error: z.string().nullable().optional(),
  report: z.unknown().optional(),
});

/**
 * Redis queue mode, the receiver's `execute`: the job becomes one BullMQ session (its delivery id
 * the session id, so handing it over again after a restart finds the same session) and this waits
 * for what the worker that ran it returned. The worker publishes to GitHub; this only records.
 * A cancel removes a session no worker took yet (and closes its check run here) or reaches the
 * worker running it; a newer `/fix` that passed intake withdraws a session no worker took yet
 * (`withdrawHandedOver`), which ends here as superseded; a shutdown stops the waiting only: the session goes on, and after a restart
 * the job is handed over again and picks up its result.
 */
export async function dispatchJob(params: {
  job: Job;
  signal: AbortSignal;
  queue: RedisJobQueue;
  /** The webhook secret: the session is signed with it, and workers run only sessions it signed. */
  secret: string;
  publish: (job: Job, ending: JobEnding) => Promise<unknown>;
  /** Who sent the newer `/fix` that withdrew this session (the target's newest other job), if any. */
  newerActor: () => string | null;
  log: JobLogger;
}): Promise<ExecuteResult> {
  const { job, signal, queue, log } = params;
  const deliveryId = queuedWorkSchema.shape.deliveryId.safeParse(job.deliveryId).success
    ? job.deliveryId
    : `job-${job.id}`;
  const queued = await queue.enqueue({
    deliveryId,
    repo: job.repo,
    number: job.number,
    payload: signSession(toDispatchedJob(job), params.secret),
  });
  log.info({ job: job.id, session: queued.jobId, handedOver: queued.status }, "job handed to the workers");
  const stopWaiting = new AbortController();
  const removedHere = new Promise<ExecuteResult>((resolve) => {
    const onAbort = () => {
      if (jobAbortKind(signal) === "shutdown") return stopWaiting.abort(signal.reason);
      // A cancel or the deadline: a session still waiting ends here, a running one reports itself.
      cancelSession(params).then(
        (ended) => {
          if (!ended) return;
          stopWaiting.abort(new Error("the session was removed from the queue"));
          resolve(ended);
        },
        (error: unknown) =>
          log.warn(
            { job: job.id, err: error instanceof Error ? error.message : String(error) },
            "could not send the cancel to the workers",
          ),
      );
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  const finished = queue
    .waitForResult(queued.jobId, stopWaiting.signal)
    .then((value) => executeResultSchema.parse(value))
    .catch(async (error: unknown) => {
      // Withdrawn by a newer `/fix` before any worker took it (a cancel of ours removes it too: that ends in removedHere).
      if (!(error instanceof SessionRemovedError) || signal.aborted) throw error;
      const ending = supersededEnding({ by: params.newerActor() ?? "a writer" });
      await params.publish(job, ending);
      return ending.result;
    });
  // Whichever loses the race must not end as an unhandled rejection.
  finished.catch(() => undefined);
  return Promise.race([finished, removedHere]);
}

/** A session no worker took yet is removed and its check run closed here; a running one is told to stop. */
async function cancelSession(params: {
  job: Job;
  queue: RedisJobQueue;
  publish: (job: Job, ending: JobEnding) => Promise<unknown>;
  log: JobLogger;
}): Promise<ExecuteResult | null> {
  const result = await params.queue.cancel(params.job.repo, params.job.number);
  params.log.info({ job: params.job.id, session: result.jobId, was: result.was }, "cancel sent to the workers");
  if (result.was !== "waiting") return null;
  const ending = cancelledEnding({ by: null, started: false });
  await params.publish(params.job, ending);
  return ending.result;
}
