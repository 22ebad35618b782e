import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import type { Job, JobFields, JobStatus } from "../job-schema.js";
import { jobFromRow } from "./job-from-row.js";

const FINAL: ReadonlySet<JobStatus> = new Set(["done", "failed", "cancelled", "superseded", "refused"]);
const SQLITE_CONSTRAINT = 19;

/** What the store's parts share: the connection, the clock, transactions and the basic reads and writes. */
export type StoreContext = {
  db: DatabaseSync;
  /** The injected clock as an ISO 8601 string. */
  now(): string;
  /** Runs `work` in one `BEGIN IMMEDIATE` transaction (rolled back if it throws). */
  transaction<T>(work: () => T): T;
  getJob(id: number): Job | null;
  /** Like getJob, for a row the current transaction just wrote. */
  mustGet(id: number): Job;
  /** Compare-and-set of the status with optional fields; false when the job was not in `from` or an index said no. */
  setStatus(id: number, from: readonly JobStatus[], to: JobStatus, fields: JobFields): boolean;
  /** Marks a waiting or running job superseded by `byId`. */
  supersede(job: Job, byId: number | null, at: string): void;
};

export function createStoreContext(db: DatabaseSync, clock: () => Date): StoreContext {
  const selectById = db.prepare("SELECT * FROM jobs WHERE id = ?");
  const getJob = (id: number): Job | null => {
    const row = selectById.get(id);
    return row ? jobFromRow(row) : null;
  };
  return {
    db,
    now: () => clock().toISOString(),
    transaction<T>(work: () => T): T {
      db.exec("BEGIN IMMEDIATE");
      try {
        const result = work();
        db.exec("COMMIT");
        return result;
      } catch (error) {
        if (db.isTransaction) db.exec("ROLLBACK");
        throw error;
      }
    },
    getJob,
    mustGet(id) {
      const job = getJob(id);
      if (!job) throw new Error(`job ${id} vanished from the job store during a transaction`);
      return job;
    },
    setStatus(id, from, to, fields) {
      const at = clock().toISOString();
      // A status change ends any wait on GitHub: the job moved on.
      const sets: string[] = ["status = :to", "updated_at = :at", "github_wait = NULL"];
      const values: Record<string, SQLInputValue> = { id, to, at };
      if (to === "running") sets.push("started_at = :at", "attempts = attempts + 1");
      if (FINAL.has(to)) sets.push("finished_at = :at");
      addFieldSets(fields, sets, values);
      if (from.length === 0) return false;
      const fromList = from.map((status, index) => {
        values[`from${index}`] = status;
        return `:from${index}`;
      });
      try {
        const result = db.prepare(`UPDATE jobs SET ${sets.join(", ")} WHERE id = :id AND status IN (${fromList.join(", ")})`).run(values);
        return Number(result.changes) === 1;
      } catch (error) {
        // A unique index said no (e.g. a second running job for one target): the CAS did not happen.
        if (isConstraintError(error)) return false;
        throw error;
      }
    },
    supersede(job, byId, at) {
      db.prepare(
        "UPDATE jobs SET status = 'superseded', superseded_by = ?, finished_at = ?, updated_at = ?, error = ?, github_wait = NULL WHERE id = ?",
      ).run(byId, at, at, "superseded by a newer /fix request", job.id);
    },
  };
}

/** The SET clauses for optional fields (only those given). */
export function addFieldSets(fields: JobFields, sets: string[], values: Record<string, SQLInputValue>): void {
  const columns: [keyof JobFields, string][] = [
    ["checkRunId", "check_run_id"],
    ["outcome", "outcome"],
    ["error", "error"],
    ["positionShown", "position_shown"],
  ];
  for (const [field, column] of columns) {
    const value = fields[field];
    if (value === undefined) continue;
    sets.push(`${column} = :${field}`);
    values[field] = value as SQLInputValue;
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
