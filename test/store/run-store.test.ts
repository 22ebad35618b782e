import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { openJobStore } from "../../src/jobs/open-job-store.js";
import { JOB_STORE_SCHEMA_VERSION } from "../../src/jobs/store/migrate-job-store.js";
import { openRunStore } from "../../src/store/open-run-store.js";
import type { NewRun } from "../../src/store/run-store-schema.js";
import { captureCli } from "../helpers/capture-cli.js";
import { makeGitRepo, replyLine, SUM_ISSUE, SUM_REPO, writeTranscript } from "../helpers/git-fixture.js";
import { writeJobStoreV1 } from "../helpers/job-store-v1.js";
import { fixtureReport } from "../helpers/report-fixture.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function scratch(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "la-store-"));
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

const FIX = [
  replyLine({ tool: "read_file", args: { path: "src/sum.js" } }),
  replyLine({ tool: "edit_file", args: { path: "src/sum.js", old_text: "return a - b;", new_text: "return a + b;" } }),
  replyLine({ tool: "write_file", args: { path: "NOTES.md", content: "sum adds now\n" } }),
  replyLine({ tool: "run_tests", args: {} }),
  replyLine({ tool: "finish", args: { summary: "sum now adds its arguments." } }),
];
const ISSUE = SUM_ISSUE.replace("- src/sum.js", "- src/sum.js\n- NOTES.md");

function appRun(fields: Partial<NewRun> = {}): NewRun {
  return {
    source: "app",
    jobId: 7,
    installationId: 42,
    repo: "octo/sum",
    number: 12,
    target: "issue",
    title: "sum() subtracts",
    actor: "alice",
    branch: "local-agent/issue-12-7",
    checkRunId: 4242,
    report: fixtureReport(),
    transcript: '{"content":"{}"}\n',
    diff: null,
    finishedAt: "2026-12-01T10:01:05.000Z",
    ...fields,
  };
}

describe("the run store", () => {
  it("keeps a CLI run given --data-dir: report, replayable transcript and diff, without touching the user's index", async () => {
    const repo = await makeGitRepo(SUM_REPO);
    cleanups.push(repo.cleanup);
    const dir = await scratch();
    const transcript = await writeTranscript(dir, FIX);
    const dataDir = path.join(dir, "data");
    const cli = captureCli();
    const code = await main(["run", "--repo", repo.dir, "--issue-text", ISSUE, "--model", `replay:${transcript}`, "--report", path.join(dir, "r.json"), "--data-dir", dataDir, "--quiet"], cli.deps);
    expect(cli.err()).toBe("");
    expect(code).toBe(0);
    expect(cli.out()).toContain(`stored: run 1 in ${path.join(dataDir, "jobs.sqlite")} (local-agent serve shows it at /local-agent/runs/1)`);

    const runs = openRunStore({ file: path.join(dataDir, "jobs.sqlite"), now: () => new Date(), retentionDays: 90 });
    cleanups.push(async () => runs.close());
    const [summary] = runs.list();
    expect(summary).toMatchObject({ id: 1, source: "cli", repo: path.basename(repo.dir), title: "sum() subtracts instead of adding", outcome: "completed", turns: 5, validityEffective: 1 });
    const run = runs.get(1);
    expect(run?.report.files_changed).toEqual(["src/sum.js", "NOTES.md"]);
    expect(run?.diff).toContain("-  return a - b;");
    expect(run?.diff).toContain("+  return a + b;");
    expect(run?.diff).toContain("+++ b/NOTES.md");
    // The diff was taken in a throwaway index: nothing is staged in the user's checkout.
    expect(execFileSync("git", ["diff", "--cached", "--name-only"], { cwd: repo.dir }).toString()).toBe("");
    expect(execFileSync("git", ["status", "--porcelain"], { cwd: repo.dir }).toString()).toBe(" M src/sum.js\n?? NOTES.md\n");

    // The stored transcript replays the same run on a fresh checkout.
    const stored = runs.transcript(1);
    expect(stored).toBe(`${FIX.join("\n")}\n`);
    const again = await makeGitRepo(SUM_REPO);
    cleanups.push(again.cleanup);
    const replayFile = path.join(dir, "downloaded.jsonl");
    await fs.writeFile(replayFile, stored ?? "");
    const second = captureCli();
    expect(await main(["run", "--repo", again.dir, "--issue-text", ISSUE, "--model", `replay:${replayFile}`, "--report", path.join(dir, "r2.json"), "--quiet"], second.deps)).toBe(0);
  });

  it("takes LOCAL_AGENT_DATA_DIR from the environment and names the run after the origin remote", async () => {
    const repo = await makeGitRepo(SUM_REPO);
    cleanups.push(repo.cleanup);
    execFileSync("git", ["remote", "add", "origin", "https://x-access-token:ghs_secret@github.com/octo/sum.git"], { cwd: repo.dir });
    const dir = await scratch();
    const transcript = await writeTranscript(dir, FIX);
    const cli = captureCli({ env: { ...process.env, LOCAL_AGENT_DATA_DIR: path.join(dir, "data") } });
    expect(await main(["run", "--repo", repo.dir, "--issue-text", ISSUE, "--model", `replay:${transcript}`, "--report", path.join(dir, "r.json"), "--quiet"], cli.deps)).toBe(0);
    const runs = openRunStore({ file: path.join(dir, "data", "jobs.sqlite"), now: () => new Date(), retentionDays: 90 });
    cleanups.push(async () => runs.close());
    expect(runs.repos()).toEqual(["octo/sum"]);
  });

  it("refuses a bad LOCAL_AGENT_RETENTION_DAYS before running (exit 2)", async () => {
    const cli = captureCli({ env: { ...process.env, LOCAL_AGENT_RETENTION_DAYS: "a week" } });
    expect(await main(["run", "--repo", ".", "--issue-text", ISSUE, "--model", "replay:x.jsonl"], cli.deps)).toBe(2);
    expect(cli.err()).toContain('LOCAL_AGENT_RETENTION_DAYS="a week": expected a whole number from 0 to 36500');
  });

  it("shares the app's SQLite file with the job queue and survives a restart", async () => {
    const file = path.join(await scratch(), "jobs.sqlite");
    const now = () => new Date("2026-12-01T12:00:00Z");
    const jobs = openJobStore({ file, now });
    const runs = openRunStore({ file, now, retentionDays: 90 });
    const inserted = jobs.insert({ deliveryId: "d-1", repo: "octo/sum", installationId: 42, target: "issue", number: 12, trigger: "label", actor: "alice" });
    const id = runs.insert(appRun({ jobId: inserted.inserted ? inserted.job.id : 0 }));
    jobs.close();
    runs.close();

    const jobsAgain = openJobStore({ file, now });
    const runsAgain = openRunStore({ file, now, retentionDays: 90 });
    cleanups.push(async () => {
      jobsAgain.close();
      runsAgain.close();
    });
    expect(jobsAgain.list()).toHaveLength(1);
    expect(runsAgain.get(id)).toMatchObject({ repo: "octo/sum", jobId: 1, checkRunId: 4242, branch: "local-agent/issue-12-7", hasTranscript: true });
    expect(runsAgain.latestForJob(1)?.id).toBe(id);
    // Each component keeps its own schema version: the job queue's user_version is untouched.
    const db = new DatabaseSync(file);
    expect(db.prepare("PRAGMA user_version").get()?.user_version).toBe(JOB_STORE_SCHEMA_VERSION);
    expect(db.prepare("SELECT version FROM store_versions WHERE component = 'runs'").get()?.version).toBe(1);
    db.close();
  });

  it("both migrations run on a fresh file in either order, and on an existing version-1 job database", async () => {
    const dir = await scratch();
    const now = () => new Date("2026-12-01T12:00:00Z");
    const versions = (file: string) => {
      const db = new DatabaseSync(file);
      const found = { jobs: db.prepare("PRAGMA user_version").get()?.user_version, runs: db.prepare("SELECT version FROM store_versions WHERE component = 'runs'").get()?.version };
      db.close();
      return found;
    };

    // Fresh, the run store first (a `local-agent run --data-dir` before the app ever started).
    const fresh = path.join(dir, "fresh.sqlite");
    const runsFirst = openRunStore({ file: fresh, now, retentionDays: 0 });
    runsFirst.insert(appRun());
    runsFirst.close();
    const jobsSecond = openJobStore({ file: fresh, now });
    jobsSecond.insert({ deliveryId: "d-1", repo: "octo/sum", installationId: 42, target: "issue", number: 12, trigger: "label", actor: "alice" });
    jobsSecond.transition(1, ["pending"], "queued");
    expect(jobsSecond.queuePositions().get(1)).toBe(1);
    jobsSecond.close();
    expect(versions(fresh)).toEqual({ jobs: JOB_STORE_SCHEMA_VERSION, runs: 1 });

    // An app's database from before the fair queue, with a run stored in it: the job store
    // migrates it to the current version and neither the old job nor the run is lost.
    const existing = path.join(dir, "existing.sqlite");
    writeJobStoreV1(existing);
    const runs = openRunStore({ file: existing, now, retentionDays: 0 });
    const runId = runs.insert(appRun({ jobId: 1 }));
    runs.close();
    expect(versions(existing)).toEqual({ jobs: 1, runs: 1 });
    const jobs = openJobStore({ file: existing, now });
    expect(jobs.get(1)).toMatchObject({ status: "done", outcome: "completed", githubWait: null, positionShown: null });
    expect(jobs.list({ order: "desc" }).map((job) => job.id)).toEqual([1]);
    jobs.insert({ deliveryId: "d-2", repo: "octo/sum", installationId: 42, target: "issue", number: 13, trigger: "label", actor: "alice" });
    expect(jobs.list({ order: "desc" }).map((job) => job.id)).toEqual([2, 1]);
    jobs.close();
    const runsAgain = openRunStore({ file: existing, now, retentionDays: 0 });
    cleanups.push(async () => runsAgain.close());
    expect(runsAgain.latestForJob(1)?.id).toBe(runId);
    expect(versions(existing)).toEqual({ jobs: JOB_STORE_SCHEMA_VERSION, runs: 1 });
  });

  it("drops runs past the retention period, and keeps every run with 0", async () => {
    const file = path.join(await scratch(), "jobs.sqlite");
    let clock = new Date("2026-12-01T00:00:00Z");
    const runs = openRunStore({ file, now: () => clock, retentionDays: 30 });
    cleanups.push(async () => runs.close());
    const old = runs.insert(appRun({ finishedAt: "2026-10-01T00:00:00.000Z" }));
    const recent = runs.insert(appRun({ finishedAt: "2026-11-20T00:00:00.000Z" }));
    expect(runs.get(old)).toBeNull();
    expect(runs.get(recent)).not.toBeNull();
    clock = new Date("2027-01-01T00:00:00Z");
    expect(runs.prune()).toBe(1);

    const forever = openRunStore({ file: path.join(path.dirname(file), "forever.sqlite"), now: () => clock, retentionDays: 0 });
    cleanups.push(async () => forever.close());
    const ancient = forever.insert(appRun({ finishedAt: "2020-01-01T00:00:00.000Z" }));
    expect(forever.prune()).toBe(0);
    expect(forever.get(ancient)).not.toBeNull();
  });

  it("filters by repository and outcome, newest first, and refuses a store written by a newer local-agent", async () => {
    const file = path.join(await scratch(), "jobs.sqlite");
    const runs = openRunStore({ file, now: () => new Date("2026-12-01T12:00:00Z"), retentionDays: 0 });
    runs.insert(appRun({ repo: "octo/sum" }));
    runs.insert(appRun({ repo: "octo/other", report: fixtureReport({ outcome: "failed" }) }));
    runs.insert(appRun({ repo: "octo/sum", report: fixtureReport({ outcome: "failed" }) }));
    expect(runs.list().map((run) => run.id)).toEqual([3, 2, 1]);
    expect(runs.list({ repo: "OCTO/SUM" }).map((run) => run.id)).toEqual([3, 1]);
    expect(runs.list({ repo: "octo/sum", outcome: "failed" }).map((run) => run.id)).toEqual([3]);
    expect(runs.list({ beforeId: 3, limit: 1 }).map((run) => run.id)).toEqual([2]);
    expect(() => runs.insert({ ...appRun(), repo: "" })).toThrow(/the run to store is invalid/);
    runs.close();

    const db = new DatabaseSync(file);
    db.exec("UPDATE store_versions SET version = 99 WHERE component = 'runs'");
    db.close();
    expect(() => openRunStore({ file, now: () => new Date(), retentionDays: 0 })).toThrow(/schema version 99.*written by a newer local-agent/);
  });
});
