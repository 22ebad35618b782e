import type { DatabaseSync } from "node:sqlite";

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
  `
  -- The fair queue: the order in which jobs were claimed, so installations and repositories take turns.
  ALTER TABLE jobs ADD COLUMN claim_seq INTEGER;
  CREATE INDEX jobs_served_installation ON jobs (installation_id, claim_seq) WHERE claim_seq IS NOT NULL;
  CREATE INDEX jobs_served_repo ON jobs (repo, claim_seq) WHERE claim_seq IS NOT NULL;
  -- A job waiting for GitHub to answer again (JSON: stage, reason, attempts, since, retryAt).
  ALTER TABLE jobs ADD COLUMN github_wait TEXT;
  -- The queue position the queued check run shows.
  ALTER TABLE jobs ADD COLUMN position_shown INTEGER;
  `,
  `
  -- Review comments as their webhooks delivered them (JSON snapshot), first text kept: the task
  -- of a review iteration uses the text the reviewer submitted, not a later edit.
  CREATE TABLE review_comments (
    repo TEXT NOT NULL COLLATE NOCASE,
    comment_id INTEGER NOT NULL,
    review_id INTEGER,
    snapshot TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (repo, comment_id)
  ) STRICT;
  CREATE INDEX review_comments_by_review ON review_comments (repo, review_id);
  `,
];

/** The schema version this code writes. */
export const JOB_STORE_SCHEMA_VERSION = MIGRATIONS.length;

/** Runs the migrations the database has not seen yet, each in its own write transaction. */
export function migrateJobStore(db: DatabaseSync, file: string): void {
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
