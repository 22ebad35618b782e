import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { benchQueueIntake } from "../../src/bench/queue-intake-bench.js";
import type { InsertResult, NewJob } from "../../src/jobs/job-schema.js";
import { openJobStore } from "../../src/jobs/open-job-store.js";
import { startChild, writeChildScript, type Child } from "./child-process-fixtures.js";
import { steppingClock, tempStore, type TempStore } from "./job-fixtures.js";

const cleanups: (() => Promise<void>)[] = [];
const children: Child[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill("SIGKILL");
    await child.exited;
  }
  while (cleanups.length) await cleanups.pop()?.();
});

async function scratch(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "la-burst-"));
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

async function store(): Promise<TempStore> {
  const temp = await tempStore();
  cleanups.push(temp.cleanup);
  return temp;
}

/** mulberry32: a small seeded generator, so a failing case can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(items: readonly T[], next: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

/** Fires every delivery as its own task, in a random order with random yields in between. */
async function deliverAll(deliveries: readonly NewJob[], insert: (job: NewJob) => InsertResult, next: () => number) {
  return Promise.all(
    deliveries.map(async (job) => {
      const hops = Math.floor(next() * 3);
      for (let i = 0; i < hops; i++) await nextTurn();
      return { job, result: insert(job) };
    }),
  );
}

function labelJob(deliveryId: string, number: number): NewJob {
  return { deliveryId, repo: "octo/widgets", installationId: 1, target: "issue", number, trigger: "label", actor: "maintainer" };
}

describe("many deliveries at once", () => {
  it.each([1, 2, 3, 4, 5])("200 deliveries with 50 redeliveries store exactly 150 jobs, each once (seed %i)", async (seed) => {
    const next = random(seed);
    const { store: jobs } = await store();
    const unique = Array.from({ length: 150 }, (_, i) => labelJob(`d-${seed}-${i}`, i + 1));
    const redelivered = Array.from({ length: 50 }, () => unique[Math.floor(next() * unique.length)] as NewJob);
    const answers = await deliverAll(shuffled([...unique, ...redelivered], next), (job) => jobs.insert(job), next);

    expect(answers).toHaveLength(200);
    const rows = jobs.list();
    expect(rows).toHaveLength(150);
    expect(new Set(rows.map((row) => row.deliveryId))).toEqual(new Set(unique.map((job) => job.deliveryId)));
    // Per delivery id: exactly one answer said "inserted", every other one points at that job.
    const byDelivery = Map.groupBy(answers, (answer) => answer.job.deliveryId);
    for (const [deliveryId, group] of byDelivery) {
      const inserted = group.filter((answer) => answer.result.inserted);
      expect(inserted, deliveryId).toHaveLength(1);
      const id = inserted[0]?.result.inserted ? inserted[0].result.job.id : -1;
      for (const answer of group.filter((entry) => !entry.result.inserted)) {
        expect(answer.result).toMatchObject({ inserted: false, reason: "duplicate_delivery", existing: { id, deliveryId } });
      }
    }
  });

  it.each([11, 12, 13])("random labels and /fix comments on few issues keep the per-issue invariants (seed %i)", async (seed) => {
    const next = random(seed);
    const { store: jobs } = await store();
    const deliveries: NewJob[] = Array.from({ length: 120 }, (_, i) => {
      const number = 1 + Math.floor(next() * 5);
      return next() < 0.5
        ? labelJob(`m-${seed}-${i}`, number)
        : { ...labelJob(`m-${seed}-${i}`, number), trigger: "comment", commentId: seed * 1000 + i, instructions: `try ${i}` };
    });
    const withRedeliveries = [...deliveries, ...deliveries.filter(() => next() < 0.3)];
    // Jobs start and finish while deliveries arrive.
    const answers = await deliverAll(
      shuffled(withRedeliveries, next),
      (job) => {
        const result = jobs.insert(job);
        const roll = next();
        if (roll < 0.3) {
          const queued = jobs.list({ status: "pending" })[0];
          if (queued) jobs.transition(queued.id, ["pending"], "queued");
        } else if (roll < 0.5) {
          jobs.claimNext();
        } else if (roll < 0.6) {
          const running = jobs.list({ status: "running" })[0];
          if (running) jobs.transition(running.id, ["running"], "done");
        }
        return result;
      },
      next,
    );

    const rows = jobs.list();
    expect(new Set(rows.map((row) => row.deliveryId)).size).toBe(rows.length);
    expect(rows.length).toBe(answers.filter((answer) => answer.result.inserted).length);
    for (const number of [1, 2, 3, 4, 5]) {
      const active = jobs.activeFor("octo/widgets", number);
      expect(active.filter((job) => job.status === "running").length).toBeLessThanOrEqual(1);
      expect(active.filter((job) => job.status !== "running").length).toBeLessThanOrEqual(1);
    }
    for (const { job, result } of answers) {
      if (result.inserted) {
        // Only a comment may replace waiting jobs; a stored label never displaced anything.
        if (job.trigger === "label") expect(result.superseded).toEqual([]);
        for (const old of result.superseded) expect(old).toMatchObject({ status: "superseded", supersededBy: result.job.id });
      } else if (result.reason === "already_active") {
        expect(job.trigger).toBe("label");
      } else {
        expect(result.existing.deliveryId === job.deliveryId || result.existing.commentId === job.commentId).toBe(true);
      }
    }
    // Every superseded job points at a newer job of the same issue.
    for (const row of rows.filter((candidate) => candidate.status === "superseded")) {
      const by = jobs.get(row.supersededBy ?? -1);
      expect(by && by.id > row.id && by.number === row.number).toBe(true);
    }
  });

  it("four processes inserting the same 200 deliveries into one database store exactly 150 jobs", async () => {
    const dir = await scratch();
    const file = path.join(dir, "jobs.sqlite");
    // Create the schema first so the children only race on inserts.
    openJobStore({ file, now: steppingClock() }).close();
    const script = await writeChildScript(
      dir,
      "inserter",
      `
const { openJobStore } = await import(src("jobs/open-job-store.ts"));
const [file, list] = process.argv.slice(2);
const store = openJobStore({ file, now: () => new Date() });
console.log("READY");
process.stdin.once("data", () => {
  const results = JSON.parse(list).map((n) => {
    const r = store.insert({ deliveryId: "d" + n, repo: "octo/widgets", installationId: 1, target: "issue", number: n, trigger: "label", actor: "a" });
    return [n, r.inserted ? "inserted" : r.reason];
  });
  console.log("RESULTS " + JSON.stringify(results));
  store.close();
  process.exit(0);
});
`,
    );
    const next = random(42);
    const unique = Array.from({ length: 150 }, (_, i) => i + 1);
    const all = shuffled([...unique, ...Array.from({ length: 50 }, () => 1 + Math.floor(next() * 150))], next);
    const slices = [0, 1, 2, 3].map((k) => all.slice(k * 50, k * 50 + 50));
    const started = slices.map((slice) => startChild(script, [file, JSON.stringify(slice)]));
    children.push(...started);
    await Promise.all(started.map((child) => child.waitForLine(/^READY$/)));
    for (const child of started) child.process.stdin.write("go\n");
    const results = (await Promise.all(started.map((child) => child.waitForLine(/^RESULTS /)))).flatMap(
      (line) => JSON.parse(line.slice("RESULTS ".length)) as [number, string][],
    );

    expect(results).toHaveLength(200);
    const inserted = results.filter(([, outcome]) => outcome === "inserted").map(([n]) => n);
    expect(inserted.sort((a, b) => a - b)).toEqual(unique);
    expect(results.filter(([, outcome]) => outcome !== "inserted").every(([, outcome]) => outcome === "duplicate_delivery")).toBe(true);
    const check = openJobStore({ file, now: steppingClock() });
    expect(check.list()).toHaveLength(150);
    check.close();
  });

  it("the intake benchmark keeps every delivery: 200 with 50 redeliveries give 150 jobs, none lost", async () => {
    const dir = await scratch();
    const result = await benchQueueIntake({
      dir,
      deliveries: 200,
      duplicates: 50,
      executeMs: 60_000,
      intakeMs: 1,
      clock: () => performance.now(),
      now: steppingClock(),
    });
    expect(result).toMatchObject({ deliveries: 200, duplicates: 50, jobs: 150, inserted: 150, deduplicated: 50, lost: 0 });
    // The slow run was interrupted by the shutdown and went back to the queue.
    expect(result.statuses).toMatchObject({ pending: 0, queued: 150, running: 0 });
    expect(result.answeredMs.max).toBeGreaterThanOrEqual(result.answeredMs.p50);
  });
});
