import fs from "node:fs";
import path from "node:path";
import { DatabaseSync, type SQLInputValue, type SQLOutputValue } from "node:sqlite";
import { z } from "zod";
import {
  JOB_STATUSES,
  NewJobSchema,
  type CancelResult,
  type InsertResult,
  type Job,
  type JobFields,
  type JobStatus,
  type NewJob,
  type RecoveryResult,
} from "./job-schema.js";

export type JobStore = {
  /**
   * Stores a webhook's job at once. A redelivery (same delivery id) or the same `/fix` comment is
   * never stored twice; a label on a target that already has an active job is a no-op; a `/fix`
   * comment supersedes the target's waiting job (a running one is left alone and the new job
   * waits behind it).
   */
  insert(newJob: NewJob): InsertResult;
  get(id: number): Job | null;
  /** Jobs in id order (`order: "desc"`: newest first), optionally filtered. */
  list(filter?: { status?: JobStatus | readonly JobStatus[]; repo?: string; number?: number; limit?: number; order?: "asc" | "desc" }): Job[];
  /** Ids of the jobs with a status (and an id above `afterId`), in id order; cheap, no rows are decoded. */
  idsWithStatus(status: JobStatus, afterId?: number): number[];
  /** The target's pending, queued and running jobs, in id order. */
  activeFor(repo: string, number: number): Job[];
  /** How many jobs have each status. */
  counts(): Record<JobStatus, number>;
  /**
   * 1-based place among queued jobs (1 = next to start when a slot frees up) for a pending or
   * queued job, null otherwise. A pending job gets the place it will take once intake queues it.
   */
  queuePosition(id: number): number | null;
  /** Atomic compare-and-set of the status (and optional fields); false when the job was not in `from`. */
  transition(id: number, from: readonly JobStatus[], to: JobStatus, fields?: JobFields): boolean;
  /** Sets fields without changing the status; false when there is no such job. */
  update(id: number, fields: JobFields): boolean;
  /**
   * Marks the oldest queued job whose target has nothing running as `running` (attempts + 1) and
   * returns it; null when no queued job can start.
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
  /** True the first time a key is seen, false ever after (say something to a user only once). */
  markNotified(key: string): boolean;
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
 * Schema changes are appended, never edited: `PRAGMA user_version` records how many have run.
 * Statuses are spelled out (not built from JOB_STATUSES) so an old migration never changes.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id TEXT NOT NULL UNIQUE,
    repo TEXT NOT NULL COLLATE NOCASE,
    installation_id INTEGER NOT NULL,
    target TEXT NOT NULL CHECK (target IN ('issue', 'pull_request')),
    number INTEGER NOT NULL,
    trigger_kind TEXT NOT NULL CHECK (trigger_kind IN ('label', 'comment')),
    actor TEXT NOT NULL,
    instructions TEXT,
    comment_id INTEGER UNIQUE,
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'queued', 'running', 'done', 'failed', 'cancelled', 'superseded', 'refused')),
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    updated_at TEXT NOT NULL,
    check_run_id INTEGER,
    outcome TEXT,
    error TEXT,
    report TEXT,
    superseded_by INTEGER REFERENCES jobs (id),
    cancel_requested INTEGER NOT NULL DEFAULT 0
  ) STRICT;
  -- The invariants the scheduler relies on, enforced by the database itself:
  -- at most one waiting and at most one running job per issue or pull request.
  CREATE UNIQUE INDEX jobs_one_waiting_per_target ON jobs (repo, number) WHERE status IN ('pending', 'queued');
  CREATE UNIQUE INDEX jobs_one_running_per_target ON jobs (repo, number) WHERE status = 'running';
  CREATE INDEX jobs_by_status ON jobs (status, id);
  CREATE TABLE notifications (
    key TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
  ) STRICT;
  `,
];

const FINAL: ReadonlySet<JobStatus> = new Set(["done", "failed", "cancelled", "superseded", "refused"]);
const SQLITE_CONSTRAINT = 19;

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
    migrate(db, params.file);
  } catch (error) {
    db.close();
    throw error;
  }

  const now = (): string => params.now().toISOString();
  const selectById = db.prepare("SELECT * FROM jobs WHERE id = ?");
  const selectByDelivery = db.prepare("SELECT * FROM jobs WHERE delivery_id = ?");
  const selectByComment = db.prepare("SELECT * FROM jobs WHERE comment_id = ?");
  const selectActive = db.prepare(
    "SELECT * FROM jobs WHERE repo = ? AND number = ? AND status IN ('pending', 'queued', 'running') ORDER BY id",
  );
  const selectWaiting = db.prepare("SELECT * FROM jobs WHERE repo = ? AND number = ? AND status IN ('pending', 'queued')");
  const selectIdsWithStatus = db.prepare("SELECT id FROM jobs WHERE status = ? AND id > ? ORDER BY id");
  const insertJob = db.prepare(
    `INSERT INTO jobs (delivery_id, repo, installation_id, target, number, trigger_kind, actor, instructions,
       comment_id, payload, status, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
  );

  function transaction<T>(work: () => T): T {
    db.exec("BEGIN IMMEDIATE");
    try {
      const result = work();
      db.exec("COMMIT");
      return result;
    } catch (error) {
      if (db.isTransaction) db.exec("ROLLBACK");
      throw error;
    }
  }

  function getJob(id: number): Job | null {
    const row = selectById.get(id);
    return row ? toJob(row) : null;
  }

  function mustGet(id: number): Job {
    const job = getJob(id);
    if (!job) throw new Error(`job ${id} vanished from the job store during a transaction`);
    return job;
  }

  function setStatus(id: number, from: readonly JobStatus[], to: JobStatus, fields: JobFields): boolean {
    const at = now();
    const sets: string[] = ["status = :to", "updated_at = :at"];
    const values: Record<string, SQLInputValue> = { id, to, at };
    if (to === "running") sets.push("started_at = :at", "attempts = attempts + 1");
    if (FINAL.has(to)) sets.push("finished_at = :at");
    addFieldSets(fields, sets, values);
    const fromList = from.map((status, index) => {
      values[`from${index}`] = status;
      return `:from${index}`;
    });
    if (fromList.length === 0) return false;
    try {
      const result = db
        .prepare(`UPDATE jobs SET ${sets.join(", ")} WHERE id = :id AND status IN (${fromList.join(", ")})`)
        .run(values);
      return Number(result.changes) === 1;
    } catch (error) {
      // A unique index said no (e.g. a second running job for one target): the CAS did not happen.
      if (isConstraintError(error)) return false;
      throw error;
    }
  }

  function supersede(old: Job, byId: number | null, at: string): void {
    db.prepare(
      "UPDATE jobs SET status = 'superseded', superseded_by = ?, finished_at = ?, updated_at = ?, error = ? WHERE id = ?",
    ).run(byId, at, at, "superseded by a newer /fix request", old.id);
  }

  const store: JobStore = {
    insert(newJob) {
      const parsed = NewJobSchema.safeParse(newJob);
      if (!parsed.success) throw new Error(`the job to store is invalid:\n${z.prettifyError(parsed.error)}`);
      const job = parsed.data;
      return transaction((): InsertResult => {
        const sameDelivery = selectByDelivery.get(job.deliveryId);
        if (sameDelivery) return { inserted: false, reason: "duplicate_delivery", existing: toJob(sameDelivery) };
        if (job.commentId !== null) {
          const sameComment = selectByComment.get(job.commentId);
          if (sameComment) return { inserted: false, reason: "duplicate_comment", existing: toJob(sameComment) };
        }
        const active = selectActive.all(job.repo, job.number).map(toJob);
        const waiting = active.filter((candidate) => candidate.status !== "running");
        if (job.trigger === "label" && active.length > 0) {
          // Prefer the waiting job: it is the one this trigger would have become.
          const existing = waiting[0] ?? active[0];
          if (existing) return { inserted: false, reason: "already_active", existing };
        }
        const at = now();
        // Supersede before inserting: the one-waiting-job index would refuse the new row otherwise.
        for (const old of waiting) supersede(old, null, at);
        const result = insertJob.run(
          job.deliveryId,
          job.repo,
          job.installationId,
          job.target,
          job.number,
          job.trigger,
          job.actor,
          job.instructions,
          job.commentId,
          JSON.stringify(job.payload),
          at,
          at,
        );
        const id = Number(result.lastInsertRowid);
        for (const old of waiting) db.prepare("UPDATE jobs SET superseded_by = ? WHERE id = ?").run(id, old.id);
        return { inserted: true, job: mustGet(id), superseded: waiting.map((old) => mustGet(old.id)) };
      });
    },

    get: getJob,

    list(filter = {}) {
      const where: string[] = [];
      const values: Record<string, SQLInputValue> = {};
      if (filter.status !== undefined) {
        const statuses = typeof filter.status === "string" ? [filter.status] : filter.status;
        if (statuses.length === 0) return [];
        where.push(
          `status IN (${statuses
            .map((status, index) => {
              values[`s${index}`] = status;
              return `:s${index}`;
            })
            .join(", ")})`,
        );
      }
      if (filter.repo !== undefined) {
        where.push("repo = :repo");
        values.repo = filter.repo;
      }
      if (filter.number !== undefined) {
        where.push("number = :number");
        values.number = filter.number;
      }
      const limit = filter.limit === undefined ? "" : ` LIMIT ${Math.max(0, Math.floor(filter.limit))}`;
      const sql = `SELECT * FROM jobs${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY id${filter.order === "desc" ? " DESC" : ""}${limit}`;
      return db.prepare(sql).all(values).map(toJob);
    },

    idsWithStatus(status, afterId = 0) {
      return selectIdsWithStatus.all(status, afterId).map((row) => Number(row.id));
    },

    activeFor(repo, number) {
      return selectActive.all(repo, number).map(toJob);
    },

    counts() {
      const counts = Object.fromEntries(JOB_STATUSES.map((status) => [status, 0])) as Record<JobStatus, number>;
      for (const row of db.prepare("SELECT status, COUNT(*) AS n FROM jobs GROUP BY status").all()) {
        counts[String(row.status) as JobStatus] = Number(row.n);
      }
      return counts;
    },

    queuePosition(id) {
      const job = getJob(id);
      if (!job || (job.status !== "queued" && job.status !== "pending")) return null;
      const ahead = db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE status = 'queued' AND id < ?").get(id);
      return Number(ahead?.n ?? 0) + 1;
    },

    transition(id, from, to, fields = {}) {
      return transaction(() => setStatus(id, from, to, fields));
    },

    update(id, fields) {
      const sets: string[] = ["updated_at = :at"];
      const values: Record<string, SQLInputValue> = { id, at: now() };
      addFieldSets(fields, sets, values);
      return transaction(() => Number(db.prepare(`UPDATE jobs SET ${sets.join(", ")} WHERE id = :id`).run(values).changes) === 1);
    },

    claimNext() {
      return transaction(() => {
        const at = now();
        const row = db
          .prepare(
            `UPDATE jobs SET status = 'running', attempts = attempts + 1, started_at = :at, updated_at = :at
             WHERE id = (
               SELECT q.id FROM jobs q
               WHERE q.status = 'queued'
                 AND NOT EXISTS (SELECT 1 FROM jobs r WHERE r.status = 'running' AND r.repo = q.repo AND r.number = q.number)
               ORDER BY q.id LIMIT 1)
             RETURNING *`,
          )
          .get({ at });
        return row ? toJob(row) : null;
      });
    },

    requeueRunning(id) {
      return transaction(() => {
        const job = getJob(id);
        if (!job || job.status !== "running") return null;
        const at = now();
        const newer = selectWaiting.get(job.repo, job.number);
        if (newer) {
          supersede(job, Number(newer.id), at);
        } else {
          db.prepare(
            "UPDATE jobs SET status = 'queued', attempts = MAX(attempts - 1, 0), started_at = NULL, updated_at = ? WHERE id = ?",
          ).run(at, id);
        }
        return mustGet(id);
      });
    },

    cancelTarget(repo, number) {
      return transaction((): CancelResult => {
        const active = selectActive.all(repo, number).map(toJob);
        const at = now();
        const cancelled: Job[] = [];
        let running: Job | null = null;
        for (const job of active) {
          if (job.status === "running") {
            db.prepare("UPDATE jobs SET cancel_requested = 1, updated_at = ? WHERE id = ?").run(at, job.id);
            running = mustGet(job.id);
          } else {
            db.prepare(
              "UPDATE jobs SET status = 'cancelled', finished_at = ?, updated_at = ?, error = 'cancelled before it started' WHERE id = ?",
            ).run(at, at, job.id);
            cancelled.push(mustGet(job.id));
          }
        }
        return { cancelled, running };
      });
    },

    recoverAfterCrash({ maxAttempts }) {
      return transaction((): RecoveryResult => {
        const at = now();
        const result: RecoveryResult = { requeued: [], failed: [], cancelled: [], superseded: [], pending: [] };
        for (const job of db.prepare("SELECT * FROM jobs WHERE status = 'running' ORDER BY id").all().map(toJob)) {
          const newer = selectWaiting.get(job.repo, job.number);
          if (job.cancelRequested) {
            db.prepare(
              "UPDATE jobs SET status = 'cancelled', finished_at = ?, updated_at = ?, error = ? WHERE id = ?",
            ).run(at, at, "cancelled; local-agent stopped before the run finished", job.id);
            result.cancelled.push(mustGet(job.id));
          } else if (newer) {
            supersede(job, Number(newer.id), at);
            result.superseded.push(mustGet(job.id));
          } else if (job.attempts >= maxAttempts) {
            const error = `local-agent stopped while this job was running, ${job.attempts} time${job.attempts === 1 ? "" : "s"}; not retrying (the limit is ${maxAttempts})`;
            db.prepare("UPDATE jobs SET status = 'failed', finished_at = ?, updated_at = ?, error = ? WHERE id = ?").run(at, at, error, job.id);
            result.failed.push(mustGet(job.id));
          } else {
            db.prepare("UPDATE jobs SET status = 'queued', started_at = NULL, updated_at = ? WHERE id = ?").run(at, job.id);
            result.requeued.push(mustGet(job.id));
          }
        }
        result.pending = db.prepare("SELECT * FROM jobs WHERE status = 'pending' ORDER BY id").all().map(toJob);
        return result;
      });
    },

    markNotified(key) {
      return transaction(
        () => Number(db.prepare("INSERT OR IGNORE INTO notifications (key, created_at) VALUES (?, ?)").run(key, now()).changes) === 1,
      );
    },

    close() {
      if (db.isOpen) db.close();
    },
  };
  return store;
}

function migrate(db: DatabaseSync, file: string): void {
  const version = Number(db.prepare("PRAGMA user_version").get()?.user_version ?? 0);
  if (version > MIGRATIONS.length) {
    throw new Error(
      `the job database ${file} has schema version ${version}, but this local-agent only knows up to ${MIGRATIONS.length}: ` +
        "it was written by a newer local-agent. Upgrade local-agent, or point LOCAL_AGENT_DATA_DIR at another folder.",
    );
  }
  for (let next = version; next < MIGRATIONS.length; next++) {
    db.exec("BEGIN IMMEDIATE");
    try {
      // Re-check inside the write lock: another process may have migrated meanwhile.
      const current = Number(db.prepare("PRAGMA user_version").get()?.user_version ?? 0);
      if (current === next) {
        db.exec(MIGRATIONS[next] ?? "");
        db.exec(`PRAGMA user_version = ${next + 1}`);
      }
      db.exec("COMMIT");
    } catch (error) {
      if (db.isTransaction) db.exec("ROLLBACK");
      throw error;
    }
  }
}

function addFieldSets(fields: JobFields, sets: string[], values: Record<string, SQLInputValue>): void {
  if (fields.checkRunId !== undefined) {
    sets.push("check_run_id = :checkRunId");
    values.checkRunId = fields.checkRunId;
  }
  if (fields.outcome !== undefined) {
    sets.push("outcome = :outcome");
    values.outcome = fields.outcome;
  }
  if (fields.error !== undefined) {
    sets.push("error = :error");
    values.error = fields.error;
  }
  if (fields.report !== undefined) {
    sets.push("report = :report");
    values.report = fields.report === null ? null : JSON.stringify(fields.report);
  }
}

function isConstraintError(error: unknown): boolean {
  if (!(error instanceof Error) || !("errcode" in error)) return false;
  const code = (error as { errcode: unknown }).errcode;
  return typeof code === "number" && (code & 0xff) === SQLITE_CONSTRAINT;
}

function toJob(row: Record<string, SQLOutputValue>): Job {
  return {
    id: Number(row.id),
    deliveryId: String(row.delivery_id),
    repo: String(row.repo),
    installationId: Number(row.installation_id),
    target: row.target === "pull_request" ? "pull_request" : "issue",
    number: Number(row.number),
    trigger: row.trigger_kind === "comment" ? "comment" : "label",
    actor: String(row.actor),
    instructions: nullableString(row.instructions),
    commentId: nullableNumber(row.comment_id),
    payload: parsePayload(row.payload),
    status: toStatus(row.status),
    attempts: Number(row.attempts),
    createdAt: String(row.created_at),
    startedAt: nullableString(row.started_at),
    finishedAt: nullableString(row.finished_at),
    updatedAt: String(row.updated_at),
    checkRunId: nullableNumber(row.check_run_id),
    outcome: nullableString(row.outcome),
    error: nullableString(row.error),
    report: typeof row.report === "string" ? (JSON.parse(row.report) as unknown) : null,
    supersededBy: nullableNumber(row.superseded_by),
    cancelRequested: Number(row.cancel_requested) === 1,
  };
}

function toStatus(value: SQLOutputValue | undefined): JobStatus {
  const status = JOB_STATUSES.find((candidate) => candidate === value);
  if (!status) throw new Error(`the job database holds an unknown status ${JSON.stringify(value)}`);
  return status;
}

function nullableString(value: SQLOutputValue | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}

function nullableNumber(value: SQLOutputValue | undefined): number | null {
  return value === null || value === undefined ? null : Number(value);
}

function parsePayload(value: SQLOutputValue | undefined): Record<string, unknown> {
  const parsed: unknown = typeof value === "string" ? JSON.parse(value) : null;
  return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
}
