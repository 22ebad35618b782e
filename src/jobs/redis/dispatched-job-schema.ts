import { z } from "zod";
import { JOB_STATUSES, JOB_TARGETS, JOB_TRIGGERS, type Job } from "../job-schema.js";

/**
 * The receiver's stored job as it travels to a worker in the BullMQ payload (`payload.job`). The
 * worker validates it before it runs anything: the queue is shared, so a malformed entry must fail
 * loudly instead of running a half-read job.
 */
export const dispatchedJobSchema = z.object({
  /** The receiver's job id: the work branch, the report files and the dashboard link are named after it. */
  id: z.int().positive(),
  /** GitHub's delivery id: the BullMQ job id as well, so a redelivery is the same session. */
  deliveryId: z.string().min(1),
  /** `owner/name`. */
  repo: z.string().regex(/^[^/\s]+\/[^/\s]+$/),
  /** The installation whose tokens the worker mints. */
  installationId: z.int().positive(),
  target: z.enum(JOB_TARGETS),
  number: z.int().positive(),
  trigger: z.enum(JOB_TRIGGERS),
  /** Whose permission is checked again before anything is pushed. */
  actor: z.string().min(1),
  instructions: z.string().nullable(),
  commentId: z.int().positive().nullable(),
  /** The frozen task and trigger details, as the receiver stored them. */
  payload: z.record(z.string(), z.unknown()),
  status: z.enum(JOB_STATUSES),
  /** Starts so far, counted by the receiver. */
  attempts: z.int().nonnegative(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  updatedAt: z.string(),
  /** The queued check run intake created: the worker completes it. */
  checkRunId: z.int().positive().nullable(),
  outcome: z.string().nullable(),
  error: z.string().nullable(),
  report: z.unknown(),
  supersededBy: z.int().positive().nullable(),
  cancelRequested: z.boolean(),
  /** Not carried: a wait on GitHub belongs to the process that waits. */
  githubWait: z.null(),
  positionShown: z.int().nullable(),
}) satisfies z.ZodType<Job>;

/** The job as the receiver hands it over (its GitHub wait stays behind). */
export function toDispatchedJob(job: Job): Job {
  return { ...job, githubWait: null };
}
