import fs from "node:fs";
import path from "node:path";
import { DatabaseSync, type SQLInputValue, type SQLOutputValue } from "node:sqlite";
import { z } from "zod";
import { Outcome, ReportSchema, type Report } from "../report/report-schema.js";
import { NewRunSchema, type NewRun, type RunFilter, type RunSummary, type StoredRun } from "./run-store-schema.js";

export type RunStore = {
  /** Stores a finished run (and drops runs past the retention period); returns its id. */
  insert(run: NewRun): number;
  get(id: number): StoredRun | null;
  /** The run's replay transcript (JSONL), null when there is none. */
  transcript(id: number): string | null;
  /** Newest first. */
  list(filter?: RunFilter): RunSummary[];
  /** The newest run of a job (its last attempt), null when it has none. */
  latestForJob(jobId: number): RunSummary | null;
  /** Every repository with a stored run, sorted. */
  repos(): string[];
  /** The installation of the newest app run of a repository (to check a viewer's permission on it), or null. */
  installationFor(repo: string): number | null;
  /** Remembers the pull request a run's branch became (found after the run was stored). */
  setPullRequestUrl(id: number, url: string): void;
  /** Deletes runs that finished before the retention period; returns how many. */
  prune(): number;
  close(): void;
};

export type OpenRunStoreParams = {
  /** The app's SQLite file (shared with the job queue), or `:memory:`. */
  file: string;
  now: () => Date;
  /** Days a finished run is kept; 0 keeps every run. */
  retentionDays: number;
  busyTimeoutMs?: number;
};

/**
 * The run store's own migrations. The job queue owns `PRAGMA user_version` of the shared file, so
 * this component records its version in `store_versions` instead; migrations are appended, never edited.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL CHECK (source IN ('app', 'cli')),
    job_id INTEGER,
    installation_id INTEGER,
    repo TEXT NOT NULL COLLATE NOCASE,
    number INTEGER,
    target TEXT,
    title TEXT NOT NULL,
    actor TEXT,
    branch TEXT,
    check_run_id INTEGER,
    pull_request_url TEXT,
    model_spec TEXT NOT NULL,
    outcome TEXT NOT NULL,
    exit_reason TEXT NOT NULL,
    validity_raw REAL NOT NULL,
    validity_effective REAL NOT NULL,
    turns INTEGER NOT NULL,
    duration_ms REAL NOT NULL,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    model_ms REAL NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    report TEXT NOT NULL,
    transcript TEXT,
    diff TEXT
  ) STRICT;
  CREATE INDEX runs_by_repo ON runs (repo, id);
  CREATE INDEX runs_by_job ON runs (job_id, id);
  CREATE INDEX runs_by_finished ON runs (finished_at);
  `,
];
const COMPONENT = "runs";
const SUMMARY_COLUMNS =
  "id, source, job_id, repo, number, title, model_spec, outcome, exit_reason, validity_raw, validity_effective, turns, duration_ms, prompt_tokens, completion_tokens, model_ms, started_at, finished_at";

/**
 * Opens the run store in the app's SQLite file (WAL, `synchronous=FULL`, like the job queue), so
 * runs survive restarts and the CLI can add runs while the app serves them.
 */
export function openRunStore(params: OpenRunStoreParams): RunStore {
  if (params.file !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(params.file)), { recursive: true });
  const db = new DatabaseSync(params.file, { timeout: params.busyTimeoutMs ?? 5_000 });
  try {
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = FULL");
    migrate(db, params.file);
  } catch (error) {
    db.close();
    throw error;
  }
  const insertRun = db.prepare(
    `INSERT INTO runs (source, job_id, installation_id, repo, number, target, title, actor, branch, check_run_id, model_spec, outcome,
       exit_reason, validity_raw, validity_effective, turns, duration_ms, prompt_tokens, completion_tokens, model_ms, started_at, finished_at,
       report, transcript, diff)
     VALUES (:source, :jobId, :installationId, :repo, :number, :target, :title, :actor, :branch, :checkRunId, :modelSpec, :outcome,
       :exitReason, :validityRaw, :validityEffective, :turns, :durationMs, :promptTokens, :completionTokens, :modelMs, :startedAt, :finishedAt,
       :report, :transcript, :diff)`,
  );

  const prune = (): number => {
    if (params.retentionDays <= 0) return 0;
    const cutoff = new Date(params.now().getTime() - params.retentionDays * 86_400_000).toISOString();
    return Number(db.prepare("DELETE FROM runs WHERE finished_at < ?").run(cutoff).changes);
  };

  return {
    insert(run) {
      const parsed = NewRunSchema.safeParse(run);
      if (!parsed.success) throw new Error(`the run to store is invalid:\n${z.prettifyError(parsed.error)}`);
      const value = parsed.data;
      const report = value.report;
      const modelMs = report.turns.reduce((sum, turn) => sum + turn.latency_ms, 0);
      const result = insertRun.run({
        source: value.source,
        jobId: value.jobId,
        installationId: value.installationId,
        repo: value.repo,
        number: value.number,
        target: value.target,
        title: value.title,
        actor: value.actor,
        branch: value.branch,
        checkRunId: value.checkRunId,
        modelSpec: report.model.spec,
        outcome: report.outcome,
        exitReason: report.exit_reason,
        validityRaw: report.totals.validity_raw,
        validityEffective: report.totals.validity_effective,
        turns: report.totals.turns,
        durationMs: report.duration_ms,
        promptTokens: report.totals.prompt_tokens,
        completionTokens: report.totals.completion_tokens,
        modelMs,
        startedAt: report.started_at,
        finishedAt: value.finishedAt,
        report: JSON.stringify(report),
        transcript: value.transcript,
        diff: value.diff,
      });
      prune();
      return Number(result.lastInsertRowid);
    },

    get(id) {
      const row = db.prepare("SELECT *, transcript IS NOT NULL AS has_transcript FROM runs WHERE id = ?").get(id);
      return row ? toStoredRun(row) : null;
    },

    transcript(id) {
      const row = db.prepare("SELECT transcript FROM runs WHERE id = ?").get(id);
      return typeof row?.transcript === "string" ? row.transcript : null;
    },

    list(filter = {}) {
      const where: string[] = [];
      const values: Record<string, SQLInputValue> = {};
      if (filter.repo !== undefined) {
        where.push("repo = :repo");
        values.repo = filter.repo;
      }
      if (filter.outcome !== undefined) {
        where.push("outcome = :outcome");
        values.outcome = filter.outcome;
      }
      if (filter.jobId !== undefined) {
        where.push("job_id = :jobId");
        values.jobId = filter.jobId;
      }
      if (filter.beforeId !== undefined) {
        where.push("id < :beforeId");
        values.beforeId = filter.beforeId;
      }
      values.limit = Math.max(1, Math.min(1000, Math.floor(filter.limit ?? 100)));
      const sql = `SELECT ${SUMMARY_COLUMNS} FROM runs${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT :limit`;
      return db.prepare(sql).all(values).map(toSummary);
    },

    latestForJob(jobId) {
      const row = db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM runs WHERE job_id = ? ORDER BY id DESC LIMIT 1`).get(jobId);
      return row ? toSummary(row) : null;
    },

    repos() {
      return db
        .prepare("SELECT DISTINCT repo FROM runs ORDER BY repo COLLATE NOCASE")
        .all()
        .map((row) => String(row.repo));
    },

    installationFor(repo) {
      const row = db.prepare("SELECT installation_id FROM runs WHERE repo = ? AND installation_id IS NOT NULL ORDER BY id DESC LIMIT 1").get(repo);
      return nullableNumber(row?.installation_id);
    },

    setPullRequestUrl(id, url) {
      db.prepare("UPDATE runs SET pull_request_url = ? WHERE id = ?").run(url, id);
    },

    prune,

    close() {
      if (db.isOpen) db.close();
    },
  };
}

function migrate(db: DatabaseSync, file: string): void {
  db.exec("CREATE TABLE IF NOT EXISTS store_versions (component TEXT PRIMARY KEY, version INTEGER NOT NULL) STRICT");
  const read = () => Number(db.prepare("SELECT version FROM store_versions WHERE component = ?").get(COMPONENT)?.version ?? 0);
  const version = read();
  if (version > MIGRATIONS.length) {
    throw new Error(
      `the run store in ${file} has schema version ${version}, but this local-agent only knows up to ${MIGRATIONS.length}: ` +
        "it was written by a newer local-agent. Upgrade local-agent, or point LOCAL_AGENT_DATA_DIR at another folder.",
    );
  }
  for (let next = version; next < MIGRATIONS.length; next++) {
    db.exec("BEGIN IMMEDIATE");
    try {
      // Re-check inside the write lock: another process (the app, the CLI) may have migrated meanwhile.
      if (read() === next) {
        db.exec(MIGRATIONS[next] ?? "");
        db.prepare("INSERT INTO store_versions (component, version) VALUES (?, ?) ON CONFLICT (component) DO UPDATE SET version = excluded.version").run(
          COMPONENT,
          next + 1,
        );
      }
      db.exec("COMMIT");
    } catch (error) {
      if (db.isTransaction) db.exec("ROLLBACK");
      throw error;
    }
  }
}

function toSummary(row: Record<string, SQLOutputValue>): RunSummary {
  const modelMs = Number(row.model_ms);
  const completion = Number(row.completion_tokens);
  return {
    id: Number(row.id),
    source: row.source === "app" ? "app" : "cli",
    jobId: nullableNumber(row.job_id),
    repo: String(row.repo),
    number: nullableNumber(row.number),
    title: String(row.title),
    modelSpec: String(row.model_spec),
    outcome: Outcome.catch("failed").parse(row.outcome),
    exitReason: String(row.exit_reason),
    validityRaw: Number(row.validity_raw),
    validityEffective: Number(row.validity_effective),
    turns: Number(row.turns),
    durationMs: Number(row.duration_ms),
    promptTokens: Number(row.prompt_tokens),
    completionTokens: completion,
    tokensPerSecond: modelMs > 0 && completion > 0 ? completion / (modelMs / 1000) : null,
    startedAt: String(row.started_at),
    finishedAt: String(row.finished_at),
  };
}

function toStoredRun(row: Record<string, SQLOutputValue>): StoredRun {
  return {
    ...toSummary(row),
    installationId: nullableNumber(row.installation_id),
    target: row.target === "issue" || row.target === "pull_request" ? row.target : null,
    actor: nullableString(row.actor),
    branch: nullableString(row.branch),
    checkRunId: nullableNumber(row.check_run_id),
    pullRequestUrl: nullableString(row.pull_request_url),
    report: parseReport(row.report),
    diff: nullableString(row.diff),
    hasTranscript: Number(row.has_transcript) === 1,
  };
}

function parseReport(value: SQLOutputValue | undefined): Report {
  const parsed = ReportSchema.safeParse(typeof value === "string" ? JSON.parse(value) : null);
  if (!parsed.success) throw new Error(`a stored run's report does not match the report schema:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

function nullableString(value: SQLOutputValue | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}

function nullableNumber(value: SQLOutputValue | undefined): number | null {
  return value === null || value === undefined ? null : Number(value);
}
