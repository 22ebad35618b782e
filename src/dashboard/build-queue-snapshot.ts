import { ACTIVE_JOB_STATUSES, FINAL_JOB_STATUSES, type Job } from "../jobs/job-schema.js";
import type { FinishedRow, GitHubWaitRow, QueueRow, QueueSnapshot } from "./queue-snapshot.js";
import type { RequestContext } from "./request-context.js";

/**
 * The queue as this viewer may see it: their repositories' jobs only, with live progress and the
 * places in the fair queue that the store computes for the claim and the check runs (so a viewer
 * who sees only some repositories may see gaps: the places are the queue's, not the page's).
 */
export async function buildQueueSnapshot(ctx: Pick<RequestContext, "shared" | "mayAccess">): Promise<QueueSnapshot> {
  const { store, runs, live } = ctx.shared.deps;
  const access = new Map<string, Promise<boolean>>();
  const may = (job: Job) => {
    const key = job.repo.toLowerCase();
    if (!access.has(key)) access.set(key, ctx.mayAccess(job.repo, job.installationId));
    return access.get(key) ?? Promise.resolve(false);
  };
  const title = (job: Job) => (typeof job.payload.title === "string" ? job.payload.title : "");
  const running: QueueRow[] = [];
  const waiting: QueueRow[] = [];
  const positions = store.queuePositions();
  for (const job of store.list({ status: ACTIVE_JOB_STATUSES })) {
    if (!(await may(job))) continue;
    const row: QueueRow = {
      id: job.id,
      repo: job.repo,
      number: job.number,
      target: job.target,
      title: title(job),
      actor: job.actor,
      trigger: job.trigger,
      status: job.status === "running" ? "running" : job.status === "queued" ? "queued" : "pending",
      position: job.status === "queued" ? (positions.get(job.id) ?? null) : null,
      createdAt: job.createdAt,
      startedAt: job.startedAt,
      cancelRequested: job.cancelRequested,
      progress: job.status === "running" ? live.get(job.id) : null,
      canCancel: true,
    };
    (row.status === "running" ? running : waiting).push(row);
  }
  // Queued jobs in the order they will start, then the pending ones intake is still checking.
  waiting.sort((a, b) => (a.position ?? Number.MAX_SAFE_INTEGER) - (b.position ?? Number.MAX_SAFE_INTEGER) || a.id - b.id);
  const githubWaits: GitHubWaitRow[] = [];
  for (const job of store.waitingOnGitHub()) {
    if (job.githubWait && (await may(job))) githubWaits.push({ id: job.id, repo: job.repo, number: job.number, target: job.target, title: title(job), status: job.status, wait: job.githubWait });
  }
  const finished: FinishedRow[] = [];
  for (const job of store.list({ status: FINAL_JOB_STATUSES, order: "desc", limit: 50 })) {
    if (finished.length >= 10) break;
    if (!(await may(job))) continue;
    finished.push({ id: job.id, repo: job.repo, number: job.number, title: title(job), status: job.status, outcome: job.outcome, error: job.error, finishedAt: job.finishedAt, runId: runs.latestForJob(job.id)?.id ?? null });
  }
  return { running, waiting, githubWaits, finished };
}
