import { DatabaseSync } from "node:sqlite";

/**
 * A job database as local-agent wrote it before the fair queue (job store schema version 1:
 * migration 1 of `migrate-job-store.ts`, as shipped), with one finished job in it. For tests
 * that an existing database is migrated, not only a fresh one.
 */
export function writeJobStoreV1(file: string): void {
  const db = new DatabaseSync(file);
  db.exec("PRAGMA journal_mode = WAL");
  db.exec(`
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
  CREATE UNIQUE INDEX jobs_one_waiting_per_target ON jobs (repo, number) WHERE status IN ('pending', 'queued');
  CREATE UNIQUE INDEX jobs_one_running_per_target ON jobs (repo, number) WHERE status = 'running';
  CREATE INDEX jobs_by_status ON jobs (status, id);
  CREATE TABLE notifications (
    key TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
  ) STRICT;
  INSERT INTO jobs (delivery_id, repo, installation_id, target, number, trigger_kind, actor, payload, status, attempts, created_at, started_at, finished_at, updated_at, outcome)
  VALUES ('d-old', 'octo/sum', 42, 'issue', 12, 'label', 'alice', '{"title":"sum() subtracts"}', 'done', 1,
    '2026-11-01T10:00:00.000Z', '2026-11-01T10:00:01.000Z', '2026-11-01T10:05:00.000Z', '2026-11-01T10:05:00.000Z', 'completed');
  PRAGMA user_version = 1;
  `);
  db.close();
}
