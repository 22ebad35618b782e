import type { IntakeDecision } from "../jobs/create-job-scheduler.js";
import type { Job, JobLogger } from "../jobs/job-schema.js";
import type { JobStore } from "../jobs/open-job-store.js";
import type { RedisJobQueue } from "../jobs/redis/open-redis-queue.js";

/**
 * Redis queue mode: a newer `/fix`, once intake authorized it, replaces the target's older job if
 * that one was handed to the workers but no worker took it yet (on one box the store supersedes a
 * waiting job at insert; here the older one is "running" in this store as soon as it is handed
 * over). The older job's `dispatchJob` sees its session removed and ends it as superseded.
 */
export async function withdrawHandedOver(params: { job: Job; queue: Pick<RedisJobQueue, "withdraw">; store: JobStore; log: JobLogger }): Promise<void> {
  const { job } = params;
  const older = params.store.activeFor(job.repo, job.number).find((other) => other.status === "running" && other.id < job.id);
  if (!older) return;
  const withdrawn = await params.queue.withdraw(job.repo, job.number);
  params.log.info({ job: job.id, older: older.id, session: withdrawn }, withdrawn ? "a waiting session was replaced by a newer /fix" : "the older session is already running; the newer /fix waits for it");
}

/** Intake let the job into the queue. */
export function queuedDecision(decision: IntakeDecision): boolean {
  return decision === "queued" || (typeof decision === "object" && decision.status === "queued");
}
