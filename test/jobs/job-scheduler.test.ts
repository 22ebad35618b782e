import { Writable } from "node:stream";
import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createJobScheduler, type ExecuteResult, type IntakeDecision, type JobSchedulerParams } from "../../src/jobs/create-job-scheduler.js";
import { jobAbortKind } from "../../src/jobs/job-abort-kind.js";
import type { Job } from "../../src/jobs/job-schema.js";
import { fixComment, gate, newJob, recordingLogger, steppingClock, tempStore, type TempStore } from "./job-fixtures.js";

let current: TempStore | undefined;
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (stops.length) await stops.pop()?.();
  await current?.cleanup();
  current = undefined;
});

/** A fake model whose runs stay open until the test finishes them. */
function controllableModel() {
  const runs = new Map<number, { finish: (result: ExecuteResult) => void; signal: AbortSignal }>();
  const started: number[] = [];
  let concurrent = 0;
  let maxConcurrent = 0;
  const overlaps: string[] = [];
  const runningTargets = new Set<string>();
  const execute = async (job: Job, signal: AbortSignal): Promise<ExecuteResult> => {
    const target = `${job.repo}#${job.number}`;
    if (runningTargets.has(target)) overlaps.push(target);
    runningTargets.add(target);
    concurrent++;
    maxConcurrent = Math.max(maxConcurrent, concurrent);
    started.push(job.id);
    const done = gate<ExecuteResult>();
    runs.set(job.id, { finish: done.open, signal });
    signal.addEventListener("abort", () => done.open({ status: "cancelled", error: `aborted: ${jobAbortKind(signal)}` }));
    try {
      return await done.promise;
    } finally {
      concurrent--;
      runningTargets.delete(target);
      runs.delete(job.id);
    }
  };
  return {
    execute,
    started,
    overlaps,
    get maxConcurrent() {
      return maxConcurrent;
    },
    isRunning: (id: number) => runs.has(id),
    finish(id: number, result: ExecuteResult = { status: "done", outcome: "completed" }) {
      const run = runs.get(id);
      if (!run) throw new Error(`job ${id} is not running`);
      run.finish(result);
    },
    signalOf: (id: number) => runs.get(id)?.signal,
  };
}

async function setup(overrides: Partial<JobSchedulerParams> & { slots?: number } = {}) {
  current = await tempStore();
  const { store } = current;
  const model = controllableModel();
  const logger = recordingLogger();
  const errors: { error: unknown; job: Job }[] = [];
  const dropped: Job[] = [];
  const scheduler = createJobScheduler({
    store,
    slots: 1,
    logger,
    now: steppingClock(),
    intake: async () => "queued",
    execute: model.execute,
    onError: (error, job) => void errors.push({ error, job }),
    onDropped: (job) => void dropped.push(job),
    ...overrides,
  });
  stops.push(() => scheduler.stop());
  const add = (job = newJob()): Job => {
    const result = store.insert(job);
    if (!result.inserted) throw new Error(`not inserted: ${result.reason}`);
    scheduler.kick();
    return result.job;
  };
  return { store, scheduler, model, logger, errors, dropped, add };
}

describe("createJobScheduler", () => {
  it("runs up to `slots` jobs at once, never two for one target, the waiting one starting when its target frees", async () => {
    const { store, model, add, scheduler } = await setup({ slots: 2 });
    const a1 = add(newJob({ number: 1 }));
    const b = add(newJob({ number: 2 }));
    const c = add(newJob({ number: 3 }));
    await vi.waitFor(() => expect(model.started).toEqual([a1.id, b.id]));
    // A newer /fix for issue 1 while its first job runs: it waits, even when a slot frees up.
    const a2 = add(fixComment({ number: 1 }));
    await vi.waitFor(() => expect(store.get(a2.id)?.status).toBe("queued"));
    model.finish(b.id);
    await vi.waitFor(() => expect(model.started).toEqual([a1.id, b.id, c.id]));
    expect(model.isRunning(a2.id)).toBe(false);
    model.finish(a1.id);
    await vi.waitFor(() => expect(model.started).toContain(a2.id));
    model.finish(c.id);
    model.finish(a2.id);
    await scheduler.drain();
    expect(model.maxConcurrent).toBe(2);
    expect(model.overlaps).toEqual([]);
    expect([a1, b, c, a2].map((job) => store.get(job.id)?.status)).toEqual(["done", "done", "done", "done"]);
    expect(store.get(a1.id)).toMatchObject({ outcome: "completed", attempts: 1 });
  });

  it("with one slot, runs queued jobs one by one in id order", async () => {
    const { model, add, scheduler, store } = await setup();
    const jobs = [1, 2, 3, 4].map((number) => add(newJob({ number })));
    for (const job of jobs) {
      await vi.waitFor(() => expect(model.isRunning(job.id)).toBe(true));
      expect(model.maxConcurrent).toBe(1);
      model.finish(job.id);
    }
    await scheduler.drain();
    expect(model.started).toEqual(jobs.map((job) => job.id));
    expect(store.counts().done).toBe(4);
  });

  it("intake sees its queue position and can record the check run; refusals and cancels never reach the GPU", async () => {
    const positions: Record<number, number | null> = {};
    let store!: TempStore["store"];
    const intake = async (job: Job): Promise<IntakeDecision> => {
      if (job.actor === "mallory") return { status: "refused", reason: "@mallory has read access only" };
      if (job.actor === "ghost") return "cancelled";
      positions[job.number] = store.queuePosition(job.id);
      return { status: "queued", checkRunId: 1000 + job.number };
    };
    const ctx = await setup({ intake, intakeConcurrency: 1 });
    store = ctx.store;
    const first = ctx.add(newJob({ number: 1 }));
    await vi.waitFor(() => expect(ctx.model.isRunning(first.id)).toBe(true));
    const second = ctx.add(newJob({ number: 2 }));
    const refused = ctx.add(newJob({ number: 3, actor: "mallory" }));
    const ghost = ctx.add(newJob({ number: 4, actor: "ghost" }));
    const third = ctx.add(newJob({ number: 5 }));
    await vi.waitFor(() => expect(store.counts().pending).toBe(0));
    expect(positions).toEqual({ 1: 1, 2: 1, 5: 2 });
    expect(store.get(second.id)).toMatchObject({ status: "queued", checkRunId: 1002 });
    expect(store.get(refused.id)).toMatchObject({ status: "refused", error: "@mallory has read access only" });
    expect(store.get(ghost.id)?.status).toBe("cancelled");
    for (const job of [first, second, third]) {
      await vi.waitFor(() => expect(ctx.model.isRunning(job.id)).toBe(true));
      ctx.model.finish(job.id);
    }
    await ctx.scheduler.drain();
    expect(ctx.model.started).toEqual([first.id, second.id, third.id]);
  });

  it("cancel cancels the queued job and aborts the running one, whose execute reports it", async () => {
    const { store, model, add, scheduler } = await setup();
    const running = add(newJob({ number: 1 }));
    await vi.waitFor(() => expect(model.isRunning(running.id)).toBe(true));
    const queued = add(fixComment({ number: 1 }));
    const other = add(newJob({ number: 2 }));
    await vi.waitFor(() => expect(store.get(queued.id)?.status).toBe("queued"));
    const signal = model.signalOf(running.id);

    const result = scheduler.cancel("octo/widgets", 1);
    expect(result.cancelled.map((job) => job.id)).toEqual([queued.id]);
    expect(result.running?.id).toBe(running.id);
    expect(signal?.aborted).toBe(true);
    expect(signal && jobAbortKind(signal)).toBe("cancelled");
    await vi.waitFor(() => expect(store.get(running.id)?.status).toBe("cancelled"));
    expect(store.get(running.id)?.error).toBe("aborted: cancelled");

    // The slot moves on to the other issue; the cancelled one never starts.
    await vi.waitFor(() => expect(model.isRunning(other.id)).toBe(true));
    model.finish(other.id);
    await scheduler.drain();
    expect(model.started).toEqual([running.id, other.id]);
  });

  it("an intake or execute that throws fails only its job, calls onError and the scheduler goes on", async () => {
    const intake = async (job: Job): Promise<IntakeDecision> => {
      if (job.number === 2) throw new Error("GitHub said 502");
      return "queued";
    };
    const execute = async (job: Job): Promise<ExecuteResult> => {
      if (job.number === 1) throw new Error("model server went away");
      if (job.number === 3) return { status: "bogus" } as unknown as ExecuteResult;
      return { status: "done" };
    };
    const { store, add, scheduler, errors, logger } = await setup({ intake, execute });
    const jobs = [1, 2, 3, 4].map((number) => add(newJob({ number })));
    await scheduler.drain();
    expect(jobs.map((job) => store.get(job.id)?.status)).toEqual(["failed", "failed", "failed", "done"]);
    expect(store.get(jobs[0]?.id ?? 0)?.error).toBe("model server went away");
    expect(store.get(jobs[1]?.id ?? 0)?.error).toBe("GitHub said 502");
    expect(store.get(jobs[2]?.id ?? 0)?.error).toMatch(/execute returned \{"status":"bogus"\}/);
    expect(errors.map((entry) => entry.job.number).sort()).toEqual([1, 2, 3]);
    expect(errors.every((entry) => entry.job.status === "failed")).toBe(true);
    expect(logger.lines.filter((line) => line.level === "error")).toHaveLength(3);
  });

  it("a throwing onError hook is logged, not fatal", async () => {
    const { store, add, scheduler, logger } = await setup({
      execute: async () => {
        throw new Error("boom");
      },
      onError: () => {
        throw new Error("hook exploded");
      },
    });
    const a = add(newJob({ number: 1 }));
    const b = add(newJob({ number: 2 }));
    await scheduler.drain();
    expect([a, b].map((job) => store.get(job.id)?.status)).toEqual(["failed", "failed"]);
    expect(logger.lines.some((line) => line.msg === "onError hook threw")).toBe(true);
  });

  it("a job superseded while its intake runs is dropped, and onDropped gets it with its check run", async () => {
    const held = gate();
    let calls = 0;
    const intake = async (job: Job): Promise<IntakeDecision> => {
      calls++;
      if (calls === 1) await held.promise;
      return { status: "queued", checkRunId: 500 + job.id };
    };
    const { store, add, scheduler, dropped, model } = await setup({ intake });
    const old = add(newJob({ number: 1 }));
    await vi.waitFor(() => expect(calls).toBe(1));
    const newer = add(fixComment({ number: 1 }));
    held.open();
    await vi.waitFor(() => expect(dropped.map((job) => job.id)).toEqual([old.id]));
    expect(dropped[0]).toMatchObject({ status: "superseded", supersededBy: newer.id, checkRunId: 500 + old.id });
    await vi.waitFor(() => expect(model.isRunning(newer.id)).toBe(true));
    model.finish(newer.id);
    await scheduler.drain();
    expect(model.started).toEqual([newer.id]);
    expect(store.get(old.id)?.status).toBe("superseded");
  });

  it("stop aborts running jobs as a shutdown: they go back to the queue and the next scheduler runs them", async () => {
    const first = await setup();
    const job = first.add(newJob({ number: 1 }));
    const waiting = first.add(newJob({ number: 2 }));
    await vi.waitFor(() => expect(first.model.isRunning(job.id)).toBe(true));
    const signal = first.model.signalOf(job.id);
    await first.scheduler.stop();
    expect(signal && jobAbortKind(signal)).toBe("shutdown");
    expect(first.store.get(job.id)).toMatchObject({ status: "queued", attempts: 0 });
    expect(first.store.get(waiting.id)?.status).toBe("queued");
    first.scheduler.kick();
    expect(first.model.started).toEqual([job.id]);

    const model = controllableModel();
    const second = createJobScheduler({
      store: first.store,
      slots: 1,
      logger: recordingLogger(),
      now: steppingClock(),
      intake: async () => "queued",
      execute: model.execute,
    });
    stops.push(() => second.stop());
    second.kick();
    await vi.waitFor(() => expect(model.isRunning(job.id)).toBe(true));
    model.finish(job.id);
    await vi.waitFor(() => expect(model.isRunning(waiting.id)).toBe(true));
    model.finish(waiting.id);
    await second.drain();
    expect(first.store.get(job.id)).toMatchObject({ status: "done", attempts: 1 });
  });

  it("runningJobIds lists what runs here, for the workspace sweep", async () => {
    const { model, add, scheduler } = await setup({ slots: 2 });
    const a = add(newJob({ number: 1 }));
    const b = add(newJob({ number: 2 }));
    await vi.waitFor(() => expect(scheduler.runningJobIds().sort()).toEqual([a.id, b.id].sort()));
    model.finish(a.id);
    await vi.waitFor(() => expect(scheduler.runningJobIds()).toEqual([b.id]));
    model.finish(b.id);
    await scheduler.drain();
    expect(scheduler.runningJobIds()).toEqual([]);
  });

  it("an intake that cannot reach GitHub leaves the job pending with its wait recorded, retries with backoff, and runs it when GitHub answers", async () => {
    let calls = 0;
    const waits: unknown[] = [];
    let store!: TempStore["store"];
    const intake = async (job: Job): Promise<IntakeDecision> => {
      calls++;
      waits.push(store.get(job.id)?.githubWait?.attempts ?? 0);
      if (calls <= 3) return { status: "retry", reason: `GET /repos/octo/widgets/collaborators/maintainer/permission answered ${calls === 2 ? "ECONNRESET" : 502}` };
      return "queued";
    };
    const delays: number[] = [];
    const ctx = await setup({ intake, intakeRetryDelayMs: (attempt) => (delays.push(attempt), 5 * attempt) });
    store = ctx.store;
    const job = ctx.add(newJob({ number: 1 }));
    await vi.waitFor(() => expect(ctx.model.isRunning(job.id)).toBe(true));
    expect(waits).toEqual([0, 1, 2, 3]);
    expect(delays).toEqual([1, 2, 3]);
    const retries = ctx.logger.lines.filter((line) => line.msg.startsWith("GitHub unavailable at intake"));
    expect(retries.map((line) => [line.level, line.obj.attempt, line.obj.reason])).toEqual([
      ["warn", 1, expect.stringContaining("answered 502")],
      ["warn", 2, expect.stringContaining("ECONNRESET")],
      ["warn", 3, expect.stringContaining("answered 502")],
    ]);
    expect(store.get(job.id)?.githubWait).toBeNull();
    ctx.model.finish(job.id);
    await ctx.scheduler.drain();
    expect(store.get(job.id)?.status).toBe("done");
  });

  it("a job past its deadline is aborted as a deadline; one that ignores its signal is abandoned and its slot freed", async () => {
    const abandoned: [number, string][] = [];
    const seen: (string | null)[] = [];
    const execute = async (job: Job, signal: AbortSignal): Promise<ExecuteResult> => {
      if (job.number === 1) return new Promise<ExecuteResult>(() => undefined);
      if (job.number === 2) {
        await new Promise((resolve) => signal.addEventListener("abort", resolve));
        seen.push(jobAbortKind(signal));
        return { status: "failed", outcome: "deadline", error: "stopped at the deadline" };
      }
      return { status: "done", outcome: "completed" };
    };
    const { store, add, scheduler } = await setup({ execute, deadlineMs: 30, abandonAfterMs: 30, onAbandoned: (job, kind) => void abandoned.push([job.id, kind]) });
    const stuck = add(newJob({ number: 1 }));
    const polite = add(newJob({ number: 2 }));
    const next = add(newJob({ number: 3 }));
    await scheduler.drain();
    expect(store.get(stuck.id)).toMatchObject({ status: "failed", outcome: "deadline", error: expect.stringContaining("deadline") });
    expect(abandoned).toEqual([[stuck.id, "deadline"]]);
    expect(seen).toEqual(["deadline"]);
    expect(store.get(polite.id)).toMatchObject({ status: "failed", outcome: "deadline", error: "stopped at the deadline" });
    expect(store.get(next.id)).toMatchObject({ status: "done" });
  });

  it("logs through a real pino logger (Probot's app.log is one)", async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const { add, scheduler } = await setup({
      logger: pino({ level: "info" }, sink),
      execute: async () => {
        throw new Error("model server went away");
      },
    });
    const job = add(newJob({ number: 1 }));
    await scheduler.drain();
    expect(lines.find((line) => line.msg === "job started")).toMatchObject({ jobId: job.id, repo: "octo/widgets", number: 1 });
    expect(lines.find((line) => line.msg === "job failed with an error")).toMatchObject({
      level: 50,
      jobId: job.id,
      err: { message: "model server went away" },
    });
  });
});
