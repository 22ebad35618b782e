import type { Job } from "../job-schema.js";
import { fairOrder, type FairCandidate, type LastServed } from "./fair-order.js";
import { jobFromRow } from "./job-from-row.js";
import type { StoreContext } from "./store-context.js";

/**
 * Atomically marks the first queued job in the fair order whose target has nothing running as
 * `running` (attempts + 1, the next claim number) and returns it; null when none can start.
 */
export function claimNextJob(ctx: StoreContext): Job | null {
  return ctx.transaction(() => {
    const running = new Set(
      ctx.db
        .prepare("SELECT repo, number FROM jobs WHERE status = 'running'")
        .all()
        .map((row) => targetKey(String(row.repo), Number(row.number))),
    );
    const queued = candidates(ctx, "status = 'queued'");
    const next = fairOrder({ candidates: queued, lastServed: lastServed(ctx, queued) }).find((job) => !running.has(targetKey(job.repo, job.number)));
    if (!next) return null;
    const at = ctx.now();
    const row = ctx.db
      .prepare(
        `UPDATE jobs SET status = 'running', attempts = attempts + 1, started_at = :at, updated_at = :at, github_wait = NULL,
           claim_seq = (SELECT COALESCE(MAX(claim_seq), 0) + 1 FROM jobs)
         WHERE id = :id AND status = 'queued' RETURNING *`,
      )
      .get({ at, id: next.id });
    return row ? jobFromRow(row) : null;
  });
}

/**
 * 1-based places in the fair order of the queued jobs (1 = next to start when a slot frees up),
 * plus `includePending`, placed as if intake had queued it already.
 */
export function queuedPositions(ctx: StoreContext, includePending?: number): Map<number, number> {
  const queued = candidates(ctx, "status = 'queued' OR (status = 'pending' AND id = :id)", includePending ?? -1);
  const order = fairOrder({ candidates: queued, lastServed: lastServed(ctx, queued) });
  return new Map(order.map((job, index) => [job.id, index + 1]));
}

type Candidate = FairCandidate & { number: number };

function candidates(ctx: StoreContext, where: string, id = -1): Candidate[] {
  return ctx.db
    .prepare(`SELECT id, repo, installation_id, number FROM jobs WHERE ${where} ORDER BY id`)
    .all(where.includes(":id") ? { id } : {})
    .map((row) => ({ id: Number(row.id), repo: String(row.repo), installationId: Number(row.installation_id), number: Number(row.number) }));
}

/** The last claim number of each installation and repository that has waiting jobs. */
function lastServed(ctx: StoreContext, waiting: readonly Candidate[]): LastServed {
  const installations = new Map<number, number>();
  const repos = new Map<string, number>();
  const byInstallation = ctx.db.prepare("SELECT MAX(claim_seq) AS seq FROM jobs WHERE installation_id = ? AND claim_seq IS NOT NULL");
  const byRepo = ctx.db.prepare("SELECT MAX(claim_seq) AS seq FROM jobs WHERE repo = ? AND claim_seq IS NOT NULL");
  for (const job of waiting) {
    if (!installations.has(job.installationId)) installations.set(job.installationId, Number(byInstallation.get(job.installationId)?.seq ?? -1));
    const key = job.repo.toLowerCase();
    if (!repos.has(key)) repos.set(key, Number(byRepo.get(job.repo)?.seq ?? -1));
  }
  return { installations, repos };
}

function targetKey(repo: string, number: number): string {
  return `${repo.toLowerCase()}#${number}`;
}
