import type { CancelResult } from "./job-schema.js";
import { createGpuPump } from "./scheduler/create-gpu-pump.js";
import { createIntakeLane } from "./scheduler/create-intake-lane.js";
import type { JobSchedulerParams, LaneContext } from "./scheduler/scheduler-types.js";

export type { ExecuteResult, IntakeDecision, IntakeStatus, JobSchedulerParams } from "./scheduler/scheduler-types.js";

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
  /** Remembers background work about jobs (e.g. closing a check run) until it settles: `drain` and `stop` wait for it. */
  track(work: Promise<unknown>): void;
};

/**
 * Two lanes over the durable store (security_anchors 5.2–5.5, 5.7): the intake lane turns
 * `pending` jobs into `queued` ones with a few concurrent GitHub round trips; the GPU lane claims
 * queued jobs from the store, in its fair order, while a slot is free. The database decides what
 * runs, so after a crash nothing is lost.
 */
export function createJobScheduler(params: JobSchedulerParams): JobScheduler {
  const { store, logger } = params;
  if (!Number.isInteger(params.slots) || params.slots < 1) throw new Error(`slots must be a whole number ≥ 1, got ${params.slots}`);
  const inFlight = new Set<Promise<void>>();
  const drainWaiters: (() => void)[] = [];
  let stopped = false;

  const ctx: LaneContext = {
    params,
    isStopped: () => stopped,
    track(work) {
      const settled = work.then(
        () => undefined,
        (error: unknown) => logger.error({ err: error }, "job scheduler task failed"),
      );
      inFlight.add(settled);
      void settled.finally(() => {
        inFlight.delete(settled);
        checkDrained();
      });
    },
    hook(name, call, jobId) {
      try {
        void Promise.resolve(call()).catch((error: unknown) => logger.error({ err: error, jobId }, `${name} hook threw`));
      } catch (error) {
        logger.error({ err: error, jobId }, `${name} hook threw`);
      }
    },
  };
  const gpu = createGpuPump(ctx);
  const intake = createIntakeLane(ctx, () => {
    ctx.hook("onQueueChanged", () => params.onQueueChanged?.());
    gpu.pump();
  });

  function isIdle(): boolean {
    if (intake.busy() || gpu.busy() || inFlight.size > 0) return false;
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
    intake.pump();
    gpu.pump();
  }

  return {
    kick,
    cancel(repo, number) {
      const result = store.cancelTarget(repo, number);
      if (result.running) gpu.abort(result.running.id, "cancelled", `job ${result.running.id} was cancelled`);
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
      intake.stop();
      gpu.abortAll("shutdown");
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      checkDrained();
    },
    runningJobIds: () => gpu.runningJobIds(),
    track: (work) => ctx.track(work),
  };
}
