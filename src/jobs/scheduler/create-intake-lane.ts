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
  const { params } = ctx;
  const { store, logger } = params;
  const limiter = new Bottleneck({ maxConcurrent: params.intakeConcurrency ?? 4 });
  const inFlight = new Set<number>();
  const timers = new Map<number, NodeJS.Timeout>();
  // Ids only grow and every pending job up to the mark is already in the lane (or its retry
  // timer), so a kick per webhook stays cheap however long the queue is.
  let mark = 0;

  function start(id: number, fromTimer: boolean): void {
    if (inFlight.has(id) || timers.has(id)) return;
    inFlight.add(id);
    ctx.track(limiter.schedule(() => run(id, fromTimer)).finally(() => inFlight.delete(id)));
  }

  function later(id: number, ms: number): void {
    if (ctx.isStopped()) return;
    timers.set(
      id,
      setTimeout(() => {
        timers.delete(id);
        start(id, true);
      }, Math.max(0, ms)),
    );
  }

  async function run(id: number, fromTimer: boolean): Promise<void> {
    if (ctx.isStopped()) return;
    // The job waited in the limiter: it may have been superseded or cancelled meanwhile.
    const job = store.get(id);
    if (!job || job.status !== "pending") return;
    const due = job.githubWait?.retryAt ? Date.parse(job.githubWait.retryAt) - params.now().getTime() : 0;
    if (!fromTimer && due > 0) return later(id, due);
    const started = params.now().getTime();
    let decision: Exclude<IntakeDecision, IntakeStatus>;
    try {
      decision = normalize(await params.intake(job));
    } catch (error) {
      return fail(job, error);
    }
    if (decision.status === "retry") return retry(job, decision.reason);
    try {
      const fields = {
        ...(decision.checkRunId === undefined ? {} : { checkRunId: decision.checkRunId }),
        ...(decision.reason === undefined ? {} : { error: decision.reason }),
      };
      const moved = store.transition(id, ["pending"], decision.status, fields);
      logger.info({ jobId: id, repo: job.repo, number: job.number, decision: decision.status, moved, durationMs: params.now().getTime() - started }, "intake finished");
      if (moved && decision.status === "queued") onQueued();
      if (!moved && decision.status === "queued") {
        // Superseded or cancelled while intake ran: keep what intake created so the app can close it.
        if (decision.checkRunId !== undefined) store.update(id, { checkRunId: decision.checkRunId });
        const dropped = store.get(id);
        if (dropped) ctx.hook("onDropped", () => params.onDropped?.(dropped), id);
      }
    } catch (error) {
      fail(job, error);
    }
  }

  function retry(job: Job, reason: string): void {
    const attempt = (job.githubWait?.attempts ?? 0) + 1;
    const delayMs = (params.intakeRetryDelayMs ?? defaultDelay)(attempt);
    const wait = store.noteGitHubWait(job.id, { stage: "intake", reason, retryAt: new Date(params.now().getTime() + delayMs).toISOString() });
    if (!wait) return;
    logger.warn({ jobId: job.id, repo: job.repo, number: job.number, attempt: wait.attempts, retryInMs: delayMs, reason }, "GitHub unavailable at intake; the job stays pending and intake is retried");
    later(job.id, delayMs);
  }

  function fail(job: Job, error: unknown): void {
    try {
      store.transition(job.id, ["pending"], "failed", { error: error instanceof Error ? error.message : String(error) });
    } catch (storeError) {
      logger.error({ err: storeError, jobId: job.id }, "could not record a failed job");
    }
    logger.error({ err: error, jobId: job.id, repo: job.repo, number: job.number }, "job failed with an error");
    const failed = store.get(job.id) ?? job;
    ctx.hook("onError", () => params.onError?.(error, failed), job.id);
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

function normalize(raw: IntakeDecision | null | undefined): Exclude<IntakeDecision, IntakeStatus> {
  const status: unknown = typeof raw === "string" ? raw : raw?.status;
  if (status === "retry" && typeof raw === "object" && raw && "reason" in raw && typeof raw.reason === "string") return { status, reason: raw.reason };
  if (status !== "queued" && status !== "refused" && status !== "cancelled") {
    throw new Error(`intake returned ${JSON.stringify(raw)}; expected "queued", "refused", "cancelled" or "retry"`);
  }
  return typeof raw === "string" || !raw ? { status } : { ...(raw as { status: IntakeStatus }), status };
}
