import fs from "node:fs/promises";
import { DatabaseSync } from "node:sqlite";
import { afterEach, describe, expect, it } from "vitest";
import { openJobStore } from "../../src/jobs/open-job-store.js";
import { JOB_STORE_SCHEMA_VERSION } from "../../src/jobs/store/migrate-job-store.js";
import { fixComment, newJob, steppingClock, tempStore, type TempStore } from "./job-fixtures.js";

let current: TempStore | undefined;
afterEach(async () => {
  await current?.cleanup();
  current = undefined;
});

async function open(): Promise<TempStore> {
  current = await tempStore();
  return current;
}

describe("openJobStore: insert and dedupe", () => {
  it("stores a job as pending with its payload, and a redelivery (same delivery id) is never stored twice", async () => {
    const { store } = await open();
    const job = newJob({ number: 4, payload: { title: "Crash on start", labels: ["local-agent"] } });
    const first = store.insert(job);
    expect(first.inserted).toBe(true);
    if (!first.inserted) return;
    expect(first.job).toMatchObject({ status: "pending", attempts: 0, repo: "octo/widgets", number: 4, trigger: "label" });
    expect(first.job.payload).toEqual({ title: "Crash on start", labels: ["local-agent"] });

    // Even after the first job finished, GitHub's redelivery must not run it again.
    expect(store.transition(first.job.id, ["pending"], "refused", { error: "no write access" })).toBe(true);
    const again = store.insert(job);
    expect(again).toMatchObject({ inserted: false, reason: "duplicate_delivery", existing: { id: first.job.id, status: "refused" } });
    expect(store.list()).toHaveLength(1);
  });

  it("the same /fix comment under another delivery id is a duplicate", async () => {
    const { store } = await open();
    const comment = fixComment({ number: 2 });
    const first = store.insert(comment);
    expect(first.inserted).toBe(true);
    const second = store.insert({ ...comment, deliveryId: "another-delivery" });
    expect(second).toMatchObject({ inserted: false, reason: "duplicate_comment" });
    expect(store.list()).toHaveLength(1);
  });

  it("a label on a target with an active job is deduplicated; after the job ends a new label starts a new job", async () => {
    const { store } = await open();
    const first = store.insert(newJob({ number: 3 }));
    if (!first.inserted) throw new Error("not inserted");
    for (const status of ["pending", "queued", "running"] as const) {
      if (status !== "pending") expect(store.transition(first.job.id, [first.job.status, "pending", "queued"], status)).toBe(true);
      const repeat = store.insert(newJob({ number: 3 }));
      expect(repeat).toMatchObject({ inserted: false, reason: "already_active", existing: { id: first.job.id, status } });
    }
    // Another issue is independent.
    expect(store.insert(newJob({ number: 30 })).inserted).toBe(true);
    expect(store.transition(first.job.id, ["running"], "done")).toBe(true);
    const later = store.insert(newJob({ number: 3 }));
    expect(later.inserted).toBe(true);
  });

  it("repo names compare case-insensitively, as on GitHub", async () => {
    const { store } = await open();
    expect(store.insert(newJob({ repo: "Octo/Widgets", number: 5 })).inserted).toBe(true);
    expect(store.insert(newJob({ repo: "octo/widgets", number: 5 })).inserted).toBe(false);
    expect(store.activeFor("OCTO/WIDGETS", 5)).toHaveLength(1);
  });

  it("a newer /fix supersedes a pending or queued job of the same target, but never a running one", async () => {
    const { store } = await open();
    const label = store.insert(newJob({ number: 8 }));
    if (!label.inserted) throw new Error("not inserted");
    const fix1 = store.insert(fixComment({ number: 8, instructions: "use a map" }));
    if (!fix1.inserted) throw new Error("not inserted");
    expect(fix1.superseded.map((job) => job.id)).toEqual([label.job.id]);
    expect(store.get(label.job.id)).toMatchObject({ status: "superseded", supersededBy: fix1.job.id });
    expect(store.get(label.job.id)?.finishedAt).not.toBeNull();

    expect(store.transition(fix1.job.id, ["pending"], "queued")).toBe(true);
    const fix2 = store.insert(fixComment({ number: 8, instructions: "use a set" }));
    if (!fix2.inserted) throw new Error("not inserted");
    expect(fix2.superseded.map((job) => job.id)).toEqual([fix1.job.id]);

    expect(store.transition(fix2.job.id, ["pending"], "queued")).toBe(true);
    expect(store.claimNext()?.id).toBe(fix2.job.id);
    const fix3 = store.insert(fixComment({ number: 8, instructions: "use an array" }));
    if (!fix3.inserted) throw new Error("not inserted");
    expect(fix3.superseded).toEqual([]);
    expect(store.get(fix2.job.id)?.status).toBe("running");
    expect(store.activeFor("octo/widgets", 8).map((job) => [job.id, job.status])).toEqual([
      [fix2.job.id, "running"],
      [fix3.job.id, "pending"],
    ]);
    // A label while a run is going and a newer /fix waits: nothing to add.
    expect(store.insert(newJob({ number: 8 }))).toMatchObject({ inserted: false, reason: "already_active", existing: { id: fix3.job.id } });
  });

  it("rejects a malformed job with a message naming the field", async () => {
    const { store } = await open();
    expect(() => store.insert(newJob({ repo: "not-a-repo" }))).toThrow(/repo/);
    expect(() => store.insert(newJob({ number: 0 }))).toThrow(/number/);
  });
});

describe("openJobStore: transitions, positions, cancel", () => {
  it("transition is a compare-and-set that stamps times; the one-running-per-target index backs it", async () => {
    const { store } = await open();
    const a = store.insert(newJob({ number: 1 }));
    if (!a.inserted) throw new Error("not inserted");
    expect(store.transition(a.job.id, ["queued"], "running")).toBe(false);
    expect(store.transition(a.job.id, ["pending"], "queued", { checkRunId: 99 })).toBe(true);
    expect(store.transition(a.job.id, ["pending"], "queued")).toBe(false);
    expect(store.get(a.job.id)).toMatchObject({ status: "queued", checkRunId: 99, startedAt: null });
    expect(store.transition(a.job.id, ["queued"], "running")).toBe(true);
    const running = store.get(a.job.id);
    expect(running).toMatchObject({ status: "running", attempts: 1 });
    expect(running?.startedAt).not.toBeNull();

    // A second job for the same issue cannot be forced to running next to the first.
    const b = store.insert(fixComment({ number: 1 }));
    if (!b.inserted) throw new Error("not inserted");
    expect(store.transition(b.job.id, ["pending"], "queued")).toBe(true);
    expect(store.transition(b.job.id, ["queued"], "running")).toBe(false);
    expect(store.get(b.job.id)?.status).toBe("queued");

    const report = { outcome: "completed", turns: [{ n: 1 }] };
    expect(store.transition(a.job.id, ["running"], "done", { outcome: "completed", report })).toBe(true);
    expect(store.get(a.job.id)).toMatchObject({ status: "done", outcome: "completed", report });
    expect(store.get(a.job.id)?.finishedAt).not.toBeNull();
    expect(store.update(a.job.id, { checkRunId: 100 })).toBe(true);
    expect(store.get(a.job.id)).toMatchObject({ status: "done", checkRunId: 100 });
    expect(store.update(12345, { checkRunId: 1 })).toBe(false);
  });

  it("claimNext takes queued jobs in id order and skips targets that already run", async () => {
    const { store } = await open();
    const ids: number[] = [];
    for (const number of [1, 2, 3]) {
      const result = store.insert(newJob({ number }));
      if (!result.inserted) throw new Error("not inserted");
      store.transition(result.job.id, ["pending"], "queued");
      ids.push(result.job.id);
    }
    expect(store.claimNext()?.id).toBe(ids[0]);
    const behind = store.insert(fixComment({ number: 1 }));
    if (!behind.inserted) throw new Error("not inserted");
    store.transition(behind.job.id, ["pending"], "queued");
    expect(store.claimNext()?.id).toBe(ids[1]);
    expect(store.claimNext()?.id).toBe(ids[2]);
    // Only the job behind issue 1's run is left, and it must wait.
    expect(store.claimNext()).toBeNull();
    store.transition(ids[0] ?? 0, ["running"], "done");
    expect(store.claimNext()?.id).toBe(behind.job.id);
  });

  it("queuePosition counts the queued jobs ahead; a pending job gets the place it will take", async () => {
    const { store } = await open();
    const ids: number[] = [];
    for (const number of [1, 2, 3, 4]) {
      const result = store.insert(newJob({ number }));
      if (!result.inserted) throw new Error("not inserted");
      ids.push(result.job.id);
    }
    const [a = 0, b = 0, c = 0, d = 0] = ids;
    store.transition(a, ["pending"], "queued");
    store.transition(b, ["pending"], "queued");
    store.transition(c, ["pending"], "queued");
    expect([a, b, c, d].map((id) => store.queuePosition(id))).toEqual([1, 2, 3, 4]);
    expect(store.claimNext()?.id).toBe(a);
    expect([a, b, c, d].map((id) => store.queuePosition(id))).toEqual([null, 1, 2, 3]);
    store.transition(c, ["queued"], "cancelled");
    expect(store.queuePosition(d)).toBe(2);
    expect(store.queuePosition(999)).toBeNull();
  });

  it("installations, then repositories, take turns; queuePosition and claimNext follow that one order", async () => {
    const { store } = await open();
    const queue = (repo: string, installationId: number, number: number): number => {
      const result = store.insert(newJob({ repo, installationId, number }));
      if (!result.inserted) throw new Error("not inserted");
      store.transition(result.job.id, ["pending"], "queued");
      return result.job.id;
    };
    // A repository that floods the queue, a second repository of the same installation, another installation.
    const flood = [1, 2, 3, 4, 5].map((number) => queue("octo/flood", 1, number));
    const [b1 = 0, b2 = 0] = [1, 2].map((number) => queue("octo/other", 1, number));
    const c1 = queue("acme/app", 2, 1);
    const [a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0] = flood;
    const expected = [a1, c1, b1, a2, b2, a3, a4, a5];
    const positions = store.queuePositions();
    expect([...positions.entries()].sort((x, y) => x[1] - y[1]).map(([id]) => id)).toEqual(expected);
    expect(expected.map((id) => store.queuePosition(id))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // The claims follow the positions shown, and a newcomer from a third installation goes next, not last.
    expect(store.claimNext()?.id).toBe(a1);
    expect(store.queuePosition(c1)).toBe(1);
    expect(store.claimNext()?.id).toBe(c1);
    const late = queue("solo/tool", 3, 1);
    expect(store.queuePosition(late)).toBe(1);
    const claimed: number[] = [];
    for (let job = store.claimNext(); job; job = store.claimNext()) claimed.push(job.id);
    expect(claimed).toEqual([late, b1, a2, b2, a3, a4, a5]);
  });

  it("a wait on GitHub is recorded with its attempts, listed, and ended by the next status change", async () => {
    const { store } = await open();
    const a = store.insert(newJob({ number: 1 }));
    const b = store.insert(newJob({ number: 2 }));
    if (!a.inserted || !b.inserted) throw new Error("not inserted");
    expect(store.noteGitHubWait(a.job.id, { stage: "intake", reason: "GET /x answered 502", retryAt: "2026-01-01T00:05:00.000Z" })).toMatchObject({ attempts: 1 });
    const second = store.noteGitHubWait(a.job.id, { stage: "intake", reason: "GET /x: ECONNRESET", retryAt: null });
    expect(second).toMatchObject({ stage: "intake", attempts: 2, reason: "GET /x: ECONNRESET", retryAt: null });
    expect(store.waitingOnGitHub().map((job) => [job.id, job.githubWait?.attempts])).toEqual([[a.job.id, 2]]);
    expect(store.transition(a.job.id, ["pending"], "queued")).toBe(true);
    expect(store.get(a.job.id)?.githubWait).toBeNull();
    expect(store.waitingOnGitHub()).toEqual([]);
    store.transition(b.job.id, ["pending"], "refused");
    expect(store.noteGitHubWait(b.job.id, { stage: "publish", reason: "x", retryAt: null })).toBeNull();
  });

  it("cancelTarget cancels waiting jobs and flags the running one", async () => {
    const { store } = await open();
    const first = store.insert(newJob({ number: 6 }));
    if (!first.inserted) throw new Error("not inserted");
    store.transition(first.job.id, ["pending"], "queued");
    store.claimNext();
    const waiting = store.insert(fixComment({ number: 6 }));
    if (!waiting.inserted) throw new Error("not inserted");
    const other = store.insert(newJob({ number: 7 }));
    const result = store.cancelTarget("octo/widgets", 6);
    expect(result.cancelled.map((job) => [job.id, job.status])).toEqual([[waiting.job.id, "cancelled"]]);
    expect(result.running).toMatchObject({ id: first.job.id, status: "running", cancelRequested: true });
    expect(other.inserted && store.get(other.job.id)?.status).toBe("pending");
    expect(store.cancelTarget("octo/widgets", 99)).toEqual({ cancelled: [], running: null });
  });

  it("markNotified is true once per key", async () => {
    const { store } = await open();
    expect(store.markNotified("refused:octo/widgets#1:mallory")).toBe(true);
    expect(store.markNotified("refused:octo/widgets#1:mallory")).toBe(false);
    expect(store.markNotified("refused:octo/widgets#2:mallory")).toBe(true);
  });
});

describe("openJobStore: recovery and schema", () => {
  it("recoverAfterCrash requeues, fails, cancels or supersedes what was running, and leaves pending jobs pending", async () => {
    const { store } = await open();
    const make = (number: number, runs: number): number => {
      const result = store.insert(newJob({ number }));
      if (!result.inserted) throw new Error("not inserted");
      for (let i = 0; i < runs; i++) {
        store.transition(result.job.id, ["pending", "queued"], "queued");
        store.transition(result.job.id, ["queued"], "running");
        if (i < runs - 1) store.transition(result.job.id, ["running"], "queued");
      }
      return result.job.id;
    };
    const retry = make(1, 1);
    const exhausted = make(2, 2);
    const cancelled = make(3, 1);
    store.cancelTarget("octo/widgets", 3);
    const replaced = make(4, 1);
    const newer = store.insert(fixComment({ number: 4 }));
    const pending = store.insert(newJob({ number: 5 }));
    const done = make(6, 1);
    store.transition(done, ["running"], "done");

    const result = store.recoverAfterCrash({ maxAttempts: 2 });
    expect(result.requeued.map((job) => [job.id, job.status, job.attempts, job.startedAt])).toEqual([[retry, "queued", 1, null]]);
    expect(result.failed.map((job) => [job.id, job.status])).toEqual([[exhausted, "failed"]]);
    expect(result.failed[0]?.error).toMatch(/stopped while this job was running, 2 times; not retrying/);
    expect(result.cancelled.map((job) => [job.id, job.status])).toEqual([[cancelled, "cancelled"]]);
    expect(result.superseded.map((job) => [job.id, job.status, job.supersededBy])).toEqual([
      [replaced, "superseded", newer.inserted ? newer.job.id : -1],
    ]);
    expect(result.pending.map((job) => job.id)).toEqual([
      ...(newer.inserted ? [newer.job.id] : []),
      ...(pending.inserted ? [pending.job.id] : []),
    ]);
    expect(store.get(done)?.status).toBe("done");
    expect(store.list({ status: "running" })).toEqual([]);
  });

  it("requeueRunning gives the attempt back, or supersedes when a newer /fix waits", async () => {
    const { store } = await open();
    const a = store.insert(newJob({ number: 1 }));
    if (!a.inserted) throw new Error("not inserted");
    store.transition(a.job.id, ["pending"], "queued");
    store.claimNext();
    expect(store.requeueRunning(a.job.id)).toMatchObject({ status: "queued", attempts: 0, startedAt: null });
    expect(store.requeueRunning(a.job.id)).toBeNull();
    store.claimNext();
    const newer = store.insert(fixComment({ number: 1 }));
    expect(store.requeueRunning(a.job.id)).toMatchObject({ status: "superseded", supersededBy: newer.inserted ? newer.job.id : -1 });
  });

  it("migrates once (user_version), survives reopening, and refuses a database from a newer version", async () => {
    const { store, file } = await open();
    store.insert(newJob({ number: 1 }));
    store.close();
    const reopened = openJobStore({ file, now: steppingClock() });
    expect(reopened.list()).toHaveLength(1);
    reopened.close();

    const raw = new DatabaseSync(file);
    expect(raw.prepare("PRAGMA user_version").get()?.user_version).toBe(JOB_STORE_SCHEMA_VERSION);
    expect(raw.prepare("PRAGMA journal_mode").get()?.journal_mode).toBe("wal");
    raw.exec("PRAGMA user_version = 42");
    raw.close();
    expect(() => openJobStore({ file, now: steppingClock() })).toThrow(/schema version 42.*newer local-agent/s);
    await fs.access(file);
  });
});
