import fs from "node:fs";
import path from "node:path";
import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import { ReviewCommentSnapshotSchema, type ReviewCommentSnapshot } from "../github/review/review-comment-snapshot.js";
import { JOB_STATUSES, type CancelResult, type GitHubWait, type InsertResult, type Job, type JobFields, type JobStatus, type NewJob, type RecoveryResult } from "./job-schema.js";
import { adoptJob } from "./store/adopt-job.js";
import { cancelTarget } from "./store/cancel-target.js";
import { claimNextJob, queuedPositions } from "./store/claim-next-job.js";
import { insertJob } from "./store/insert-job.js";
import { jobFromRow } from "./store/job-from-row.js";
import { listJobs, type JobListFilter } from "./store/list-jobs.js";
import { migrateJobStore } from "./store/migrate-job-store.js";
import { noteGitHubWait } from "./store/note-github-wait.js";
import { recoverAfterCrash } from "./store/recover-after-crash.js";
import { requeueRunning } from "./store/requeue-running.js";
import { addFieldSets, createStoreContext } from "./store/store-context.js";

export type JobStore = {
  /**
   * Stores a webhook's job at once. A redelivery (same delivery id) or the same `/fix` comment is
   * never stored twice; a label on a target that already has an active job is a no-op; a `/fix`
   * comment supersedes the target's waiting job (a running one is left alone and the new job
   * waits behind it).
   */
  insert(newJob: NewJob): InsertResult;
  /** A worker stores a job the receiver dispatched, under the receiver's id, as running (Redis queue mode). */
  adopt(job: Job): Job;
  get(id: number): Job | null;
  /** Jobs in id order (`order: "desc"`: newest first), optionally filtered. */
  list(filter?: JobListFilter): Job[];
  /** Ids of the jobs with a status (and an id above `afterId`), in id order; cheap, no rows are decoded. */
  idsWithStatus(status: JobStatus, afterId?: number): number[];
  /** The target's pending, queued and running jobs, in id order. */
  activeFor(repo: string, number: number): Job[];
  /** How many jobs have each status. */
  counts(): Record<JobStatus, number>;
  /**
   * 1-based place in the fair order (installations, then repositories, take turns; 1 = next to
   * start when a slot frees up) for a pending or queued job, null otherwise. A pending job gets
   * the place it will take once intake queues it.
   */
  queuePosition(id: number): number | null;
  /** The place of every queued job in the fair order (the same order `claimNext` follows). */
  queuePositions(): Map<number, number>;
  /** Atomic compare-and-set of the status (and optional fields); false when the job was not in `from`. Ends any wait on GitHub. */
  transition(id: number, from: readonly JobStatus[], to: JobStatus, fields?: JobFields): boolean;
  /** Sets fields without changing the status; false when there is no such job. */
  update(id: number, fields: JobFields): boolean;
  /**
   * Marks the first queued job in the fair order whose target has nothing running as `running`
   * (attempts + 1) and returns it; null when no queued job can start.
   */
  claimNext(): Job | null;
  /**
   * Gives a running job back to the queue after an orderly shutdown (the attempt is not counted).
   * If a newer job for the same target is waiting, the job is superseded by it instead.
   * Returns the job as it is now, or null when it was not running.
   */
  requeueRunning(id: number): Job | null;
  /** Cancels the target's waiting jobs and flags its running job `cancelRequested`. */
  cancelTarget(repo: string, number: number): CancelResult;
  /**
   * Call once at start, before any job runs: every `running` job was left by a dead process.
   * It runs again if it has attempts left (`attempts < maxAttempts`), else fails; a cancel
   * requested before the crash, or a newer waiting `/fix`, wins over retrying.
   */
  recoverAfterCrash(params: { maxAttempts: number }): RecoveryResult;
  /**
   * Records that GitHub failed the job's intake or publishing and when it is tried again; counts
   * the attempts. Returns the wait as stored, or null when the job is not active.
   */
  noteGitHubWait(id: number, wait: { stage: GitHubWait["stage"]; reason: string; retryAt: string | null }): GitHubWait | null;
  /** Ends a wait without a status change (publishing got through). */
  clearGitHubWait(id: number): void;
  /** Active jobs waiting on GitHub, oldest wait first (`local-agent doctor` prints them). */
  waitingOnGitHub(): Job[];
  /** Whether `markNotified(key)` has happened. */
  wasNotified(key: string): boolean;
  /** True the first time a key is seen, false ever after (say something to a user only once). */
  markNotified(key: string): boolean;
  /** Keeps a review comment as first delivered; true when it was new (a later delivery never replaces the text). */
  keepReviewComment(repo: string, snapshot: ReviewCommentSnapshot): boolean;
  /** The kept comments of one review, by comment id. */
  reviewComments(repo: string, reviewId: number): ReviewCommentSnapshot[];
  close(): void;
};

export type OpenJobStoreParams = {
  /** SQLite file (its folder is created), or `:memory:` for throwaway stores. */
  file: string;
  /** The clock for timestamps. */
  now: () => Date;
  /** How long a write waits for another connection's lock before failing (ms). */
  busyTimeoutMs?: number;
};

/**
 * Opens (creating if needed) the durable job queue (security_anchors 5.2–5.4): every write is one
 * transaction, WAL with `synchronous=FULL`, so a job the webhook handler acknowledged survives a
 * `kill -9` or a power cut, and a second process (the CLI) can read while the app writes.
 */
export function openJobStore(params: OpenJobStoreParams): JobStore {
  if (params.file !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(params.file)), { recursive: true });
  const db = new DatabaseSync(params.file, { timeout: params.busyTimeoutMs ?? 5_000 });
  try {
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = FULL");
    db.exec("PRAGMA foreign_keys = ON");
    migrateJobStore(db, params.file);
  } catch (error) {
    db.close();
    throw error;
  }
  const ctx = createStoreContext(db, params.now);
  const selectActive = db.prepare("SELECT * FROM jobs WHERE repo = ? AND number = ? AND status IN ('pending', 'queued', 'running') ORDER BY id");

  return {
    insert: (newJob) => insertJob(ctx, newJob),
    adopt: (job) => adoptJob(ctx, job),
    get: ctx.getJob,
    list: (filter = {}) => listJobs(db, filter),
    idsWithStatus: (status, afterId = 0) =>
      db
        .prepare("SELECT id FROM jobs WHERE status = ? AND id > ? ORDER BY id")
        .all(status, afterId)
        .map((row) => Number(row.id)),
    activeFor: (repo, number) => selectActive.all(repo, number).map(jobFromRow),
    counts() {
      const counts = Object.fromEntries(JOB_STATUSES.map((status) => [status, 0])) as Record<JobStatus, number>;
      for (const row of db.prepare("SELECT status, COUNT(*) AS n FROM jobs GROUP BY status").all()) counts[String(row.status) as JobStatus] = Number(row.n);
      return counts;
    },
    queuePosition(id) {
      const job = ctx.getJob(id);
      if (!job || (job.status !== "queued" && job.status !== "pending")) return null;
      return queuedPositions(ctx, id).get(id) ?? null;
    },
    queuePositions: () => queuedPositions(ctx),
    transition: (id, from, to, fields = {}) => ctx.transaction(() => ctx.setStatus(id, from, to, fields)),
    update(id, fields) {
      const sets: string[] = ["updated_at = :at"];
      const values: Record<string, SQLInputValue> = { id, at: ctx.now() };
      addFieldSets(fields, sets, values);
      return ctx.transaction(() => Number(db.prepare(`UPDATE jobs SET ${sets.join(", ")} WHERE id = :id`).run(values).changes) === 1);
    },
    claimNext: () => claimNextJob(ctx),
    requeueRunning: (id) => requeueRunning(ctx, id),
    cancelTarget: (repo, number) => cancelTarget(ctx, repo, number),
    recoverAfterCrash: (recovery) => recoverAfterCrash(ctx, recovery),
    noteGitHubWait: (id, wait) => noteGitHubWait(ctx, id, wait),
    clearGitHubWait(id) {
      ctx.transaction(() => db.prepare("UPDATE jobs SET github_wait = NULL WHERE id = ? AND github_wait IS NOT NULL").run(id));
    },
    waitingOnGitHub: () =>
      db
        .prepare("SELECT * FROM jobs WHERE github_wait IS NOT NULL AND status IN ('pending', 'queued', 'running') ORDER BY json_extract(github_wait, '$.since'), id")
        .all()
        .map(jobFromRow),
    wasNotified: (key) => db.prepare("SELECT 1 AS seen FROM notifications WHERE key = ?").get(key) !== undefined,
    markNotified: (key) => ctx.transaction(() => Number(db.prepare("INSERT OR IGNORE INTO notifications (key, created_at) VALUES (?, ?)").run(key, ctx.now()).changes) === 1),
    keepReviewComment: (repo, snapshot) =>
      ctx.transaction(
        () =>
          Number(
            db
              .prepare("INSERT OR IGNORE INTO review_comments (repo, comment_id, review_id, snapshot, created_at) VALUES (?, ?, ?, ?, ?)")
              .run(repo, snapshot.id, snapshot.reviewId, JSON.stringify(snapshot), ctx.now()).changes,
          ) === 1,
      ),
    reviewComments: (repo, reviewId) =>
      db
        .prepare("SELECT snapshot FROM review_comments WHERE repo = ? AND review_id = ? ORDER BY comment_id")
        .all(repo, reviewId)
        .flatMap((row) => {
          const parsed = ReviewCommentSnapshotSchema.safeParse(JSON.parse(String(row.snapshot)));
          return parsed.success ? [parsed.data] : [];
        }),
    close() {
      if (db.isOpen) db.close();
    },
  };
}
