import Bottleneck from "bottleneck";
import type { Job } from "../job-schema.js";
import type { IntakeDecision, IntakeStatus, LaneContext } from "./scheduler-types.js";

const defaultDelay = (attempt: number) => Math.min(5_000 * 2 ** (attempt - 1), 5 * 60_000);

/**
 * The intake lane: `pending` jobs become `queued` (or refused, cancelled) through a few
 * concurrent GitHub round trips. When GitHub cannot be asked, the job stays pending, the wait is
 * recorded in the store (so `doctor` shows it) and intake runs again after a growing backoff:
 * nothing is lost while GitHub is down, and a restart picks the wait up where it was.
 */
export function createIntakeLane(ctx: LaneContext, onQueued: () => void) {
  const { store, logger } = ctx.params;
  const limiter = new Bottleneck({ maxConcurrent: ctx.params.intakeConcurrency ?? 4 });
  const inFlight = new Set<number>();
  const timers = new Map<number, NodeJS.Timeout>();
  // Ids only grow and every pending job up to the mark is already in the lane (or its retry
  // timer), so a kick per webhook stays cheap however long the queue is.
  let mark = 0;

  function start(id: number, fromTimer: boolean): void {
    if (inFlight.has(id) || timers.has(id)) return;
    inFlight.add(id);
    ctx.track(limiter.schedule(() => runIntake({ ctx, id, fromTimer, later, onQueued })).finally(() => inFlight.delete(id)));
  }

  function later(id: number, ms: number): void {
    if (ctx.isStopped()) return;
    const timer = setTimeout(() => {
      timers.delete(id);
      start(id, true);
    }, Math.max(0, ms));
    timers.set(id, timer);
  }

  return {
    /** Starts intake for pending jobs not yet in the lane. */
    pump(): void {
      if (ctx.isStopped()) return;
      let ids: number[];
      try {
        ids = store.idsWithStatus("pending", mark);
      } catch (error) {
        logger.error({ err: error }, "could not read pending jobs");
        return;
      }
      for (const id of ids) {
        mark = Math.max(mark, id);
        start(id, false);
      }
    },
    busy: () => inFlight.size > 0,
    stop(): void {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}

/** One intake of one pending job: decide, record, and hand a queued job to the GPU lane. */
async function runIntake(params: { ctx: LaneContext; id: number; fromTimer: boolean; later: (id: number, ms: number) => void; onQueued: () => void }): Promise<void> {
  const { ctx, id } = params;
  const { store, logger } = ctx.params;
  if (ctx.isStopped()) return;
  // The job waited in the limiter: it may have been superseded or cancelled meanwhile.
  const job = store.get(id);
  if (!job || job.status !== "pending") return;
  // After a restart, a wait recorded before it is honoured.
  const due = job.githubWait?.retryAt ? Date.parse(job.githubWait.retryAt) - ctx.params.now().getTime() : 0;
  if (!params.fromTimer && due > 0) return params.later(id, due);
  const started = ctx.params.now().getTime();
  let decision: Exclude<IntakeDecision, IntakeStatus>;
  try {
    decision = normalize(await ctx.params.intake(job));
  } catch (error) {
    return fail(ctx, job, error);
  }
  if (decision.status === "retry") {
    const delayMs = (ctx.params.intakeRetryDelayMs ?? defaultDelay)((job.githubWait?.attempts ?? 0) + 1);
    const wait = store.noteGitHubWait(id, { stage: "intake", reason: decision.reason, retryAt: new Date(ctx.params.now().getTime() + delayMs).toISOString() });
    if (!wait) return;
    logger.warn({ jobId: id, repo: job.repo, number: job.number, attempt: wait.attempts, retryInMs: delayMs, reason: decision.reason }, "GitHub unavailable at intake; the job stays pending and intake is retried");
    return params.later(id, delayMs);
  }
  try {
    const fields = {
      ...(decision.checkRunId === undefined ? {} : { checkRunId: decision.checkRunId }),
      ...(decision.reason === undefined ? {} : { error: decision.reason }),
    };
    const moved = store.transition(id, ["pending"], decision.status, fields);
    logger.info({ jobId: id, repo: job.repo, number: job.number, decision: decision.status, moved, durationMs: ctx.params.now().getTime() - started }, "intake finished");
    if (moved && decision.status === "queued") params.onQueued();
    if (!moved && decision.status === "queued") {
      // Superseded or cancelled while intake ran: keep what intake created so the app can close it.
      if (decision.checkRunId !== undefined) store.update(id, { checkRunId: decision.checkRunId });
      const dropped = store.get(id);
      if (dropped) ctx.hook("onDropped", () => ctx.params.onDropped?.(dropped), id);
    }
  } catch (error) {
    fail(ctx, job, error);
  }
}

function fail(ctx: LaneContext, job: Job, error: unknown): void {
  const { store, logger } = ctx.params;
  try {
    store.transition(job.id, ["pending"], "failed", { error: error instanceof Error ? error.message : String(error) });
  } catch (storeError) {
    logger.error({ err: storeError, jobId: job.id }, "could not record a failed job");
  }
  logger.error({ err: error, jobId: job.id, repo: job.repo, number: job.number }, "job failed with an error");
  const failed = store.get(job.id) ?? job;
  ctx.hook("onError", () => ctx.params.onError?.(error, failed), job.id);
}

function normalize(raw: IntakeDecision | null | undefined): Exclude<IntakeDecision, IntakeStatus> {
  if (typeof raw === "object" && raw !== null && raw.status === "retry") return { status: "retry", reason: raw.reason };
  const status: unknown = typeof raw === "string" ? raw : raw?.status;
  if (status !== "queued" && status !== "refused" && status !== "cancelled") {
    throw new Error(`intake returned ${JSON.stringify(raw)}; expected "queued", "refused", "cancelled" or "retry"`);
  }
  return typeof raw === "object" && raw !== null ? { ...raw, status } : { status };
}
