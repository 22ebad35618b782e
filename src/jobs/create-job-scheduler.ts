import Bottleneck from "bottleneck";
import { jobAbortKind } from "./job-abort-kind.js";
import type { CancelResult, Job, JobLogger } from "./job-schema.js";
import type { JobStore } from "./open-job-store.js";

export type IntakeStatus = "queued" | "refused" | "cancelled";

/**
 * What intake decided about a pending job. A bare status is fine; the object form also records
 * the check run intake created and, for a refusal or cancel, why (kept in the job's `error`).
 */
export type IntakeDecision = IntakeStatus | { status: IntakeStatus; checkRunId?: number | null; reason?: string | null };

/** How a run ended. `report` is any JSON value. */
export type ExecuteResult = {
  status: "done" | "failed" | "cancelled";
  outcome?: string | null;
  error?: string | null;
  report?: unknown;
};

export type JobSchedulerParams = {
  store: JobStore;
  /** GPU slots: how many jobs run at once (`LOCAL_AGENT_GPU_SLOTS`). */
  slots: number;
  /** How many intakes (GitHub API calls, no GPU) run at once. */
  intakeConcurrency?: number;
  /**
   * Authorizes a pending job, reads the repo config and acknowledges (👀, queued check run).
   * Returning "queued" moves it to the GPU queue; the job may meanwhile have been superseded or
   * cancelled, then `onDropped` is called so the app can close what it opened.
   */
  intake: (job: Job) => Promise<IntakeDecision>;
  /**
   * Runs a job and reports it to GitHub. The signal aborts on cancel or shutdown; read
   * `jobAbortKind(signal)` to tell them apart (a shutdown puts the job back in the queue, so it
   * should not be reported as cancelled).
   */
  execute: (job: Job, signal: AbortSignal) => Promise<ExecuteResult>;
  logger: JobLogger;
  /** The clock, for durations in the log. */
  now: () => Date;
  /** An intake or execute threw (the job is already `failed` with the message). */
  onError?: (error: unknown, job: Job) => void | Promise<void>;
  /** Intake said "queued" but the job was superseded or cancelled while intake ran. */
  onDropped?: (job: Job) => void | Promise<void>;
};

export type JobScheduler = {
  /** Looks for pending and queued work; call after every insert and once at start (after recovery). */
  kick(): void;
  /** Cancels the target's waiting jobs and aborts its running one (whose `execute` reports it). */
  cancel(repo: string, number: number): CancelResult;
  /** Resolves once nothing is pending, queued or running here (or the scheduler is stopped and idle). */
  drain(): Promise<void>;
  /** Takes no new work, aborts running jobs (they go back to the queue) and waits for them to settle. */
  stop(): Promise<void>;
  /** Ids of the jobs this scheduler is running now (their workspaces must survive a sweep). */
  runningJobIds(): number[];
};

/**
 * Two lanes over the durable store (security_anchors 5.2–5.5, 5.7). The intake lane turns
 * `pending` jobs into `queued` ones with a few concurrent GitHub round trips; the GPU lane, a
 * bottleneck limiter with `maxConcurrent: slots`, starts queued jobs in id order, never two for
 * the same issue or PR. Each GPU task claims its job from the store when it starts, so the
 * database, not bottleneck's in-memory queue, decides what runs: after a crash nothing is lost.
 */
export function createJobScheduler(params: JobSchedulerParams): JobScheduler {
  const { store, logger } = params;
  if (!Number.isInteger(params.slots) || params.slots < 1) throw new Error(`slots must be a whole number ≥ 1, got ${params.slots}`);
  const intakeLimiter = new Bottleneck({ maxConcurrent: params.intakeConcurrency ?? 4 });
  const gpuLimiter = new Bottleneck({ maxConcurrent: params.slots });
  const intakeInFlight = new Set<number>();
  const controllers = new Map<number, AbortController>();
  const inFlight = new Set<Promise<void>>();
  const drainWaiters: (() => void)[] = [];
  let gpuTickets = 0;
  let gpuRequests = 0;
  let intakeMark = 0;
  let stopped = false;

  /** Remembers work until it settles; a rejection is logged, never left unhandled. */
  function track(work: Promise<unknown>): void {
    const settled = work.then(
      () => undefined,
      (error: unknown) => logger.error({ err: error }, "job scheduler task failed"),
    );
    inFlight.add(settled);
    void settled.finally(() => {
      inFlight.delete(settled);
      checkDrained();
    });
  }

  function safeGet(id: number): Job | null {
    try {
      return store.get(id);
    } catch {
      return null;
    }
  }

  function report(error: unknown, job: Job): void {
    logger.error({ err: error, jobId: job.id, repo: job.repo, number: job.number }, "job failed with an error");
    if (!params.onError) return;
    try {
      void Promise.resolve(params.onError(error, job)).catch((hookError: unknown) =>
        logger.error({ err: hookError, jobId: job.id }, "onError hook threw"),
      );
    } catch (hookError) {
      logger.error({ err: hookError, jobId: job.id }, "onError hook threw");
    }
  }

  function callDropped(job: Job): void {
    if (!params.onDropped) return;
    try {
      void Promise.resolve(params.onDropped(job)).catch((hookError: unknown) =>
        logger.error({ err: hookError, jobId: job.id }, "onDropped hook threw"),
      );
    } catch (hookError) {
      logger.error({ err: hookError, jobId: job.id }, "onDropped hook threw");
    }
  }

  function failIntake(job: Job, error: unknown): void {
    try {
      store.transition(job.id, ["pending"], "failed", { error: messageOf(error) });
    } catch (storeError) {
      logger.error({ err: storeError, jobId: job.id }, "could not record a failed job");
    }
    report(error, safeGet(job.id) ?? job);
  }

  function pumpIntake(): void {
    if (stopped) return;
    let pending: number[];
    try {
      // Ids only grow and every pending job up to the mark is already in the intake lane, so a
      // kick per webhook stays cheap however long the queue is.
      pending = store.idsWithStatus("pending", intakeMark);
    } catch (error) {
      logger.error({ err: error }, "could not read pending jobs");
      return;
    }
    for (const id of pending) {
      intakeMark = Math.max(intakeMark, id);
      if (intakeInFlight.has(id)) continue;
      intakeInFlight.add(id);
      track(
        intakeLimiter.schedule(() => runIntake(id)).finally(() => {
          intakeInFlight.delete(id);
        }),
      );
    }
  }

  async function runIntake(id: number): Promise<void> {
    if (stopped) return;
    // The job waited in the limiter: it may have been superseded or cancelled meanwhile.
    const job = store.get(id);
    if (!job || job.status !== "pending") return;
    const started = params.now().getTime();
    let decision: { status: "queued" | "refused" | "cancelled"; checkRunId?: number | null; reason?: string | null };
    try {
      const raw: IntakeDecision | null | undefined = await params.intake(job);
      const status: unknown = typeof raw === "string" ? raw : raw?.status;
      if (status !== "queued" && status !== "refused" && status !== "cancelled") {
        throw new Error(`intake returned ${JSON.stringify(raw)}; expected "queued", "refused" or "cancelled"`);
      }
      decision = typeof raw === "string" || !raw ? { status } : { ...raw, status };
    } catch (error) {
      failIntake(job, error);
      return;
    }
    const fields = {
      ...(decision.checkRunId === undefined ? {} : { checkRunId: decision.checkRunId }),
      ...(decision.reason === undefined ? {} : { error: decision.reason }),
    };
    try {
      const moved = store.transition(id, ["pending"], decision.status, fields);
      logger.info(
        { jobId: id, repo: job.repo, number: job.number, decision: decision.status, moved, durationMs: params.now().getTime() - started },
        "intake finished",
      );
      if (!moved) {
        const current = store.get(id);
        if (decision.status === "queued" && current) {
          // Keep what intake created so the app can close it.
          if (decision.checkRunId !== undefined) store.update(id, { checkRunId: decision.checkRunId });
          callDropped(store.get(id) ?? current);
        }
        return;
      }
    } catch (error) {
      failIntake(job, error);
      return;
    }
    if (decision.status === "queued") requestGpu();
  }

  /** Someone (kick, intake) says there may be new queued work. */
  function requestGpu(): void {
    gpuRequests++;
    pumpGpu();
  }

  function pumpGpu(): void {
    while (!stopped && gpuTickets < params.slots) {
      gpuTickets++;
      let requestsAtClaim = gpuRequests;
      const ticket = gpuLimiter.schedule(async () => {
        requestsAtClaim = gpuRequests;
        return runNext();
      });
      track(
        ticket.then(
          (ran) => {
            gpuTickets--;
            // Look again after a run, or when new work was announced after this ticket looked
            // (it may have found nothing just before the job was queued). Never otherwise, so
            // empty tickets do not chase each other forever.
            if (ran || gpuRequests !== requestsAtClaim) pumpGpu();
          },
          (error: unknown) => {
            gpuTickets--;
            logger.error({ err: error }, "GPU lane task failed");
          },
        ),
      );
    }
  }

  /** One GPU task: claim the next runnable job when a slot is really free and run it. */
  async function runNext(): Promise<boolean> {
    if (stopped) return false;
    let job: Job | null;
    try {
      job = store.claimNext();
    } catch (error) {
      logger.error({ err: error }, "could not claim the next queued job");
      return false;
    }
    if (!job) return false;
    await runClaimed(job);
    return true;
  }

  async function runClaimed(job: Job): Promise<void> {
    const controller = new AbortController();
    controllers.set(job.id, controller);
    const started = params.now().getTime();
    logger.info({ jobId: job.id, repo: job.repo, number: job.number, attempt: job.attempts }, "job started");
    let result: { status: "done" | "failed" | "cancelled"; outcome?: string | null; error?: string | null; report?: unknown };
    let thrown: unknown = undefined;
    try {
      const raw = await params.execute(job, controller.signal);
      if (!raw || (raw.status !== "done" && raw.status !== "failed" && raw.status !== "cancelled")) {
        throw new Error(`execute returned ${JSON.stringify(raw)}; expected { status: "done" | "failed" | "cancelled" }`);
      }
      result = raw;
    } catch (error) {
      thrown = error;
      result = controller.signal.aborted ? { status: "cancelled", error: messageOf(error) } : { status: "failed", error: messageOf(error) };
    } finally {
      controllers.delete(job.id);
    }
    const durationMs = params.now().getTime() - started;
    try {
      if (jobAbortKind(controller.signal) === "shutdown" && result.status !== "done") {
        const requeued = store.requeueRunning(job.id);
        logger.info({ jobId: job.id, status: requeued?.status, durationMs }, "job interrupted by shutdown");
        return;
      }
      store.transition(job.id, ["running"], result.status, {
        outcome: result.outcome ?? null,
        error: result.error ?? null,
        ...(result.report === undefined ? {} : { report: result.report }),
      });
      logger.info({ jobId: job.id, repo: job.repo, number: job.number, status: result.status, durationMs }, "job finished");
    } catch (error) {
      logger.error({ err: error, jobId: job.id }, "could not record the end of a job");
      thrown ??= error;
    }
    if (thrown !== undefined && result.status === "failed") report(thrown, safeGet(job.id) ?? job);
  }

  function isIdle(): boolean {
    if (intakeInFlight.size > 0 || gpuTickets > 0 || inFlight.size > 0) return false;
    if (stopped) return true;
    try {
      const counts = store.counts();
      return counts.pending === 0 && counts.queued === 0;
    } catch {
      return false;
    }
  }

  function checkDrained(): void {
    if (drainWaiters.length === 0 || !isIdle()) return;
    for (const resolve of drainWaiters.splice(0)) resolve();
  }

  function kick(): void {
    pumpIntake();
    requestGpu();
  }

  return {
    kick,

    cancel(repo, number) {
      const result = store.cancelTarget(repo, number);
      if (result.running) {
        controllers.get(result.running.id)?.abort(abortReason("cancelled", `job ${result.running.id} was cancelled`));
      }
      logger.info({ repo, number, cancelled: result.cancelled.map((job) => job.id), running: result.running?.id ?? null }, "cancel");
      return result;
    },

    drain() {
      return new Promise<void>((resolve) => {
        drainWaiters.push(resolve);
        kick();
        checkDrained();
      });
    },

    async stop() {
      stopped = true;
      for (const [id, controller] of controllers) controller.abort(abortReason("shutdown", `local-agent is shutting down (job ${id})`));
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      checkDrained();
    },

    runningJobIds() {
      return [...controllers.keys()];
    },
  };
}

function abortReason(kind: "cancelled" | "shutdown", message: string): Error {
  return Object.assign(new Error(message), { name: "AbortError", jobAbortKind: kind });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
