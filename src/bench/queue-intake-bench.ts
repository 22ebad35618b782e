import path from "node:path";
import { setImmediate as nextTurn, setTimeout as sleep } from "node:timers/promises";
import { createJobScheduler } from "../jobs/create-job-scheduler.js";
import type { JobLogger, JobStatus, NewJob } from "../jobs/job-schema.js";
import { openJobStore } from "../jobs/open-job-store.js";

export type QueueIntakeBenchParams = {
  /** An empty folder for the SQLite file; the caller creates and removes it. */
  dir: string;
  /** Webhook deliveries fired at once. */
  deliveries: number;
  /** How many of them are redeliveries of an earlier one (same delivery id). */
  duplicates: number;
  /** GPU slots. */
  slots?: number;
  /** How long the fake model works on each job (ms); it is slow on purpose, the burst must not wait for it. */
  executeMs?: number;
  /** How long the fake intake's GitHub round trips take (ms). */
  intakeMs?: number;
  /** A monotonic clock in ms (`performance.now`). */
  clock: () => number;
  /** Wall clock for the store's timestamps. */
  now: () => Date;
  /** Seed of the delivery order. */
  seed?: number;
};

export type LatencySummary = { p50: number; p90: number; p99: number; max: number };

export type QueueIntakeBenchResult = {
  deliveries: number;
  duplicates: number;
  /** Rows in the job table after the burst: must be deliveries − duplicates. */
  jobs: number;
  /** Deliveries the store accepted as new. */
  inserted: number;
  /** Deliveries the store recognized as redeliveries. */
  deduplicated: number;
  /** Distinct deliveries that have no job (must be 0). */
  lost: number;
  /** Time from the start of the burst until each delivery was answered (the webhook's view), ms. */
  answeredMs: LatencySummary;
  /** Time each `insert` + `kick` took by itself, ms. */
  insertMs: LatencySummary;
  /** Job statuses once intake had run and the scheduler was stopped. */
  statuses: Record<JobStatus, number>;
};

/**
 * The webhook side of the durable queue under a burst (issue "GitHub App", benchmark): N
 * deliveries at once, D of them redeliveries, while a slow fake model holds the GPU slot. Each
 * delivery does what the webhook handler does (store the job, kick the scheduler) and is
 * "answered" when that returns. Returns latency percentiles and the job count; it asserts
 * nothing, callers (bench CLI, README) judge the figures.
 */
export async function benchQueueIntake(params: QueueIntakeBenchParams): Promise<QueueIntakeBenchResult> {
  if (params.duplicates > params.deliveries || params.duplicates < 0) throw new Error("duplicates must be between 0 and deliveries");
  const unique = params.deliveries - params.duplicates;
  if (unique < 1) throw new Error("at least one delivery must be unique");
  const store = openJobStore({ file: path.join(params.dir, "jobs.sqlite"), now: params.now });
  const silent: JobLogger = { debug() {}, info() {}, warn() {}, error() {} };
  const scheduler = createJobScheduler({
    store,
    slots: params.slots ?? 1,
    logger: silent,
    now: params.now,
    intake: async (job) => {
      await sleep(params.intakeMs ?? 20);
      store.queuePosition(job.id);
      return "queued";
    },
    execute: async (_job, signal) => {
      try {
        await sleep(params.executeMs ?? 5_000, undefined, { signal });
        return { status: "done" };
      } catch {
        return { status: "cancelled" };
      }
    },
  });

  const ids = Array.from({ length: unique }, (_, i) => `delivery-${i + 1}`);
  const order = [...ids, ...Array.from({ length: params.duplicates }, (_, i) => ids[(i * 7) % unique] ?? "delivery-1")];
  shuffle(order, params.seed ?? 1);

  const answered: number[] = [];
  const own: number[] = [];
  let inserted = 0;
  let deduplicated = 0;
  try {
    const start = params.clock();
    await Promise.all(
      order.map(async (deliveryId) => {
        // Each delivery arrives as its own task, like separate HTTP requests.
        await nextTurn();
        const before = params.clock();
        const result = store.insert(newJobFor(deliveryId));
        scheduler.kick();
        const after = params.clock();
        own.push(after - before);
        answered.push(after - start);
        if (result.inserted) inserted++;
        else deduplicated++;
      }),
    );
    // Let intake catch up so the statuses show every job got past it.
    while (store.counts().pending > 0) await sleep(5);
  } finally {
    await scheduler.stop();
  }
  const statuses = store.counts();
  const stored = new Set(store.list().map((job) => job.deliveryId));
  store.close();
  return {
    deliveries: params.deliveries,
    duplicates: params.duplicates,
    jobs: stored.size,
    inserted,
    deduplicated,
    lost: ids.filter((id) => !stored.has(id)).length,
    answeredMs: summarize(answered),
    insertMs: summarize(own),
    statuses,
  };
}

function newJobFor(deliveryId: string): NewJob {
  const number = Number(deliveryId.slice("delivery-".length));
  return {
    deliveryId,
    repo: "bench/queue",
    installationId: 1,
    target: "issue",
    number,
    trigger: "label",
    actor: "bench",
    payload: { title: `Issue ${number}`, body: "x".repeat(2_000) },
  };
}

function summarize(values: number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0);
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: round(sorted[sorted.length - 1] ?? 0) };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/** Deterministic Fisher–Yates (mulberry32), so runs are comparable. */
function shuffle<T>(items: T[], seed: number): void {
  let state = seed >>> 0;
  const random = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const a = items[i];
    const b = items[j];
    if (a === undefined || b === undefined) continue;
    items[i] = b;
    items[j] = a;
  }
}
