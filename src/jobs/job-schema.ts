import { z } from "zod";

/**
 * The durable queue's vocabulary (DESIGN §2, security_anchors §5). A job is one request to work
 * on one issue or pull request; its row in SQLite is the only source of truth, the scheduler's
 * memory is a cache of it.
 *
 * Life cycle:
 * - `pending`: the webhook was stored, the app has not yet authorized the actor or read the
 *   repo config (the intake lane does that, outside the 10 s webhook budget);
 * - `queued`: authorized and acknowledged, waiting for a GPU slot;
 * - `running`: a GPU slot is working on it;
 * - final: `done`, `failed`, `cancelled` (label removed, or cancelled before it ran),
 *   `superseded` (a newer `/fix` replaced it before it ran), `refused` (actor not allowed,
 *   invalid repo config…).
 */
export const JOB_STATUSES = ["pending", "queued", "running", "done", "failed", "cancelled", "superseded", "refused"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** Statuses of a job that still needs the app's attention. */
export const ACTIVE_JOB_STATUSES = ["pending", "queued", "running"] as const satisfies readonly JobStatus[];
/** Statuses of a job that has not started yet (a newer `/fix` may supersede it). */
export const WAITING_JOB_STATUSES = ["pending", "queued"] as const satisfies readonly JobStatus[];
/** Statuses a job never leaves. */
export const FINAL_JOB_STATUSES = ["done", "failed", "cancelled", "superseded", "refused"] as const satisfies readonly JobStatus[];

export const JOB_TARGETS = ["issue", "pull_request"] as const;
export type JobTarget = (typeof JOB_TARGETS)[number];

export const JOB_TRIGGERS = ["label", "comment"] as const;
export type JobTrigger = (typeof JOB_TRIGGERS)[number];

/** What the webhook handler hands to `store.insert` (validated there, so a bad handler fails loudly). */
export const NewJobSchema = z.strictObject({
  /** `X-GitHub-Delivery` (`context.id` in Probot); GitHub reuses it on redelivery, so it dedupes. */
  deliveryId: z.string().trim().min(1),
  /** `owner/name` of the repository (compared case-insensitively, as GitHub does). */
  repo: z.string().regex(/^[^/\s]+\/[^/\s]+$/, "expected owner/name"),
  /** The installation that delivered the event; the app mints its token from it. */
  installationId: z.int().positive(),
  /** Whether `number` is an issue or a pull request. */
  target: z.enum(JOB_TARGETS),
  /** The issue or pull request number; with `repo` it identifies the target. */
  number: z.int().positive(),
  /** `label` (issues.labeled) or `comment` (a `/fix` comment). */
  trigger: z.enum(JOB_TRIGGERS),
  /** Login of the labeler or commenter, the user whose permission is checked. */
  actor: z.string().trim().min(1),
  /** The text after `/fix`, if any. */
  instructions: z.string().nullable().default(null),
  /** The id of the `/fix` comment, to react to it and to dedupe the same comment seen twice. */
  commentId: z.int().positive().nullable().default(null),
  /** Whatever the app needs later (title, body, labels, clone URL, default branch, PR refs…); stored as JSON. */
  payload: z.record(z.string(), z.unknown()).default({}),
});
export type NewJob = z.input<typeof NewJobSchema>;

/** One stored job. Timestamps are ISO 8601 strings from the store's injected clock. */
export type Job = {
  id: number;
  deliveryId: string;
  repo: string;
  installationId: number;
  target: JobTarget;
  number: number;
  trigger: JobTrigger;
  actor: string;
  instructions: string | null;
  commentId: number | null;
  payload: Record<string, unknown>;
  status: JobStatus;
  /** How many times a GPU slot started this job (a crash mid-run leaves it counted). */
  attempts: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
  checkRunId: number | null;
  /** The app's own summary word for a finished job (e.g. the report outcome). */
  outcome: string | null;
  /** Why the job failed, was refused or cancelled, in words fit for a comment. */
  error: string | null;
  /** The run report (any JSON value), once there is one. */
  report: unknown;
  /** The newer job that superseded this one. */
  supersededBy: number | null;
  /** A cancel arrived while the job was running; crash recovery must not restart it. */
  cancelRequested: boolean;
  /** GitHub failed the job's intake or publishing and it waits to try again; null otherwise. */
  githubWait: GitHubWait | null;
  /** The queue position the job's queued check run shows, so it is rewritten only when it changes. */
  positionShown: number | null;
};

/** Why a job is waiting on GitHub (shown by `local-agent doctor`). */
export type GitHubWait = {
  /** Where it waits: the intake (permission, config, acknowledgement) or the publishing of a result. */
  stage: "intake" | "publish";
  /** The last failure, e.g. `GET /repos/{owner}/{repo}/collaborators/{username}/permission answered 502`. */
  reason: string;
  /** Failed attempts so far. */
  attempts: number;
  /** When the first failure of this wait happened (ISO 8601). */
  since: string;
  /** When the next attempt is due (ISO 8601), or null when it is retried right away. */
  retryAt: string | null;
};

/** Optional columns a transition or update may set alongside the status. */
export type JobFields = {
  checkRunId?: number | null;
  outcome?: string | null;
  error?: string | null;
  report?: unknown;
  positionShown?: number | null;
};

export type InsertResult =
  | { inserted: true; job: Job; superseded: Job[] }
  | {
      inserted: false;
      /**
       * - `duplicate_delivery`: GitHub redelivered an event already stored;
       * - `duplicate_comment`: the same `/fix` comment arrived under another delivery id;
       * - `already_active`: the target already has a job that is waiting or running, and this
       *   trigger (a label) adds nothing to it.
       */
      reason: "duplicate_delivery" | "duplicate_comment" | "already_active";
      existing: Job;
    };

export type CancelResult = {
  /** Waiting jobs that are now `cancelled`. */
  cancelled: Job[];
  /** The running job, now flagged `cancelRequested`; whoever runs it must stop it. */
  running: Job | null;
};

export type RecoveryResult = {
  /** Jobs that were running when the process died and will run again (attempts left). */
  requeued: Job[];
  /** Jobs that were running and used up their attempts: now `failed`. */
  failed: Job[];
  /** Jobs that were running with a cancel requested: now `cancelled`. */
  cancelled: Job[];
  /** Jobs that were running while a newer `/fix` for the same target waited: now `superseded`. */
  superseded: Job[];
  /** Jobs still waiting for intake (left pending; intake runs again). */
  pending: Job[];
};

/** A pino-compatible logger (Probot's `app.log` fits). */
export type JobLogger = {
  debug(obj: Record<string, unknown>, msg: string): void;
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
};
