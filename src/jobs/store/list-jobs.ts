import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import type { Job, JobStatus } from "../job-schema.js";
import { jobFromRow } from "./job-from-row.js";

export type JobListFilter = {
  status?: JobStatus | readonly JobStatus[];
  repo?: string;
  number?: number;
  limit?: number;
  /** `desc`: newest first (the dashboard's recent jobs); the default is arrival order. */
  order?: "asc" | "desc";
};

/** Jobs in id order, optionally filtered; with `limit` and `order: "desc"`, the newest ones. */
export function listJobs(db: DatabaseSync, filter: JobListFilter): Job[] {
  const where: string[] = [];
  const values: Record<string, SQLInputValue> = {};
  if (filter.status !== undefined) {
    const statuses = typeof filter.status === "string" ? [filter.status] : filter.status;
    if (statuses.length === 0) return [];
    statuses.forEach((status, index) => {
      values[`s${index}`] = status;
    });
    where.push(`status IN (${statuses.map((_status, index) => `:s${index}`).join(", ")})`);
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
  return db
    .prepare(`SELECT * FROM jobs${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY id${filter.order === "desc" ? " DESC" : ""}${limit}`)
    .all(values)
    .map(jobFromRow);
}
