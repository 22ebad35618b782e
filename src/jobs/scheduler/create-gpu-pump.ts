import { jobAbortKind, jobAbortReason } from "../job-abort-kind.js";
import type { Job } from "../job-schema.js";
import type { ExecuteResult, LaneContext } from "./scheduler-types.js";

type Settled = { kind: "result"; result: ExecuteResult } | { kind: "thrown"; error: unknown } | { kind: "abandoned" };

/**
 * The GPU lane: a pump over the store's atomic claim. While a slot is free it claims the next
 * job in the fair order (the database, not this process's memory, decides what runs; its unique
 * index keeps one running job per target) and runs it under the job deadline. A job whose
 * `execute` does not settle soon after its signal aborted is recorded as ended and its slot freed.
 */
export function createGpuPump(ctx: LaneContext) {
  const { params } = ctx;
  const { store, logger } = params;
  const running = new Map<number, AbortController>();

  function pump(): void {
    while (!ctx.isStopped() && running.size < params.slots) {
      let job: Job | null;
      try {
        job = store.claimNext();
      } catch (error) {
        logger.error({ err: error }, "could not claim the next queued job");
        return;
      }
      if (!job) return;
      const claimed = job;
      const controller = new AbortController();
      running.set(claimed.id, controller);
      ctx.hook("onQueueChanged", () => params.onQueueChanged?.());
      ctx.track(
        runClaimed(ctx, claimed, controller).finally(() => {
          running.delete(claimed.id);
          pump();
        }),
      );
    }
  }

  return {
    pump,
    busy: () => running.size > 0,
    runningJobIds: () => [...running.keys()],
    abort(id: number, kind: "cancelled" | "shutdown", message: string): void {
      running.get(id)?.abort(jobAbortReason(kind, message));
    },
    abortAll(kind: "shutdown"): void {
      for (const [id, controller] of running) controller.abort(jobAbortReason(kind, `local-agent is shutting down (job ${id})`));
    },
  };
}

/** Runs one claimed job under the deadline and records how it ended. */
async function runClaimed(ctx: LaneContext, job: Job, controller: AbortController): Promise<void> {
  const { params } = ctx;
  const { store, logger } = params;
  const started = params.now().getTime();
  logger.info({ jobId: job.id, repo: job.repo, number: job.number, attempt: job.attempts }, "job started");
  const deadline =
    params.deadlineMs === undefined
      ? null
      : setTimeout(() => controller.abort(jobAbortReason("deadline", `job ${job.id} ran past its deadline of ${Math.round((params.deadlineMs ?? 0) / 1000)} s`)), params.deadlineMs);
  const settled = checked(await settle(params.execute(job, controller.signal), controller.signal, params.abandonAfterMs ?? 30_000));
  if (deadline) clearTimeout(deadline);
  const kind = jobAbortKind(controller.signal);
  const durationMs = params.now().getTime() - started;
  try {
    if (kind === "shutdown" && !(settled.kind === "result" && settled.result.status === "done")) {
      const requeued = store.requeueRunning(job.id);
      logger.info({ jobId: job.id, status: requeued?.status, durationMs }, "job interrupted by shutdown");
      return;
    }
    const result = resultOf(settled, controller.signal);
    store.transition(job.id, ["running"], result.status, { outcome: result.outcome ?? null, error: result.error ?? null, ...(result.report === undefined ? {} : { report: result.report }) });
    logger.info({ jobId: job.id, repo: job.repo, number: job.number, status: result.status, durationMs }, "job finished");
    if (settled.kind === "abandoned" && (kind === "cancelled" || kind === "deadline")) {
      logger.warn({ jobId: job.id, kind, abandonAfterMs: params.abandonAfterMs ?? 30_000 }, "the job did not stop after its signal aborted; its slot is freed");
      const ended = store.get(job.id) ?? job;
      ctx.hook("onAbandoned", () => params.onAbandoned?.(ended, kind), job.id);
    }
    if (settled.kind === "thrown" && result.status === "failed") {
      logger.error({ err: settled.error, jobId: job.id, repo: job.repo, number: job.number }, "job failed with an error");
      const failed = store.get(job.id) ?? job;
      ctx.hook("onError", () => params.onError?.(settled.error, failed), job.id);
    }
  } catch (error) {
    logger.error({ err: error, jobId: job.id }, "could not record the end of a job");
    ctx.hook("onError", () => params.onError?.(error, job), job.id);
  }
}

/** The execute promise, or `abandoned` once the signal has been aborted for `abandonAfterMs`. */
function settle(work: Promise<ExecuteResult>, signal: AbortSignal, abandonAfterMs: number): Promise<Settled> {
  let timer: NodeJS.Timeout | null = null;
  let onAbort: (() => void) | null = null;
  const abandoned = new Promise<Settled>((resolve) => {
    onAbort = () => {
      timer = setTimeout(() => resolve({ kind: "abandoned" }), abandonAfterMs);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  const done = work.then(
    (result): Settled => ({ kind: "result", result }),
    (error: unknown): Settled => ({ kind: "thrown", error }),
  );
  return Promise.race([done, abandoned]).finally(() => {
    if (timer) clearTimeout(timer);
    if (onAbort) signal.removeEventListener("abort", onAbort);
  });
}

function resultOf(settled: Settled, signal: AbortSignal): ExecuteResult {
  const kind = jobAbortKind(signal);
  if (settled.kind === "abandoned") {
    return kind === "deadline"
      ? { status: "failed", outcome: "deadline", error: signal.reason instanceof Error ? signal.reason.message : "the job ran past its deadline" }
      : { status: "cancelled", outcome: "cancelled", error: "cancelled; the run did not stop in time and was abandoned" };
  }
  if (settled.kind === "thrown") {
    const message = settled.error instanceof Error ? settled.error.message : String(settled.error);
    return signal.aborted && kind !== "deadline" ? { status: "cancelled", error: message } : { status: "failed", error: message };
  }
  return settled.result;
}

/** An `execute` that returned something that is not a result counts as one that threw. */
function checked(settled: Settled): Settled {
  if (settled.kind !== "result") return settled;
  const raw: unknown = settled.result;
  const status = typeof raw === "object" && raw !== null && "status" in raw ? raw.status : undefined;
  if (status === "done" || status === "failed" || status === "cancelled") return settled;
  return { kind: "thrown", error: new Error(`execute returned ${JSON.stringify(raw)}; expected { status: "done" | "failed" | "cancelled" }`) };
}
