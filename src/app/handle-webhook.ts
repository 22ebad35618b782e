import type { JobScheduler } from "../jobs/create-job-scheduler.js";
import type { Job, JobLogger } from "../jobs/job-schema.js";
import type { JobStore } from "../jobs/open-job-store.js";
import { authorizeActor } from "../github/authorize-actor.js";
import { describeGitHubFailure } from "../github/api/describe-github-failure.js";
import type { GitHubClient } from "../github/api/github-client.js";
import { splitRepo } from "../github/api/github-client.js";
import { postComment } from "../github/api/post-comment.js";
import { freezeTaskText, type TaskTextPayload } from "../github/frozen-task-text.js";
import { parseTrigger, type TriggerPayload } from "../github/parse-trigger.js";
import { renderForGitHub } from "../github/render/render-for-github.js";
import { cancelledMessage } from "./job-messages.js";
import type { JobEnding } from "./job/job-ending.js";
import { cancelledEnding, supersededEnding } from "./job/job-endings.js";

/** The fields of `issues` / `issue_comment` payloads the app reads. */
export interface WebhookPayload extends TriggerPayload {
  installation?: { id?: number };
  repository?: { full_name?: string; clone_url?: string; default_branch?: string; html_url?: string };
  issue?: TriggerPayload["issue"] & TaskTextPayload["issue"] & { html_url?: string };
}

export type WebhookOutcome =
  | { kind: "ignored"; reason: string }
  | { kind: "stored"; jobId: number; superseded: number[] }
  | { kind: "duplicate"; reason: string; jobId: number }
  | { kind: "cancelled"; jobIds: number[]; running: number | null }
  | { kind: "refused"; reason: string };

type HandleParams = {
  event: string;
  deliveryId: string;
  payload: WebhookPayload;
  label: string;
  store: JobStore;
  scheduler: JobScheduler;
  client: GitHubClient;
  log: JobLogger;
  /** Tells GitHub how a job that never ran ended (completes its check run); runs in the background. */
  publish: (job: Job, ending: JobEnding) => Promise<unknown>;
};

/**
 * A webhook, handled within GitHub's 10 s: a run request is only stored, with its task text
 * frozen from this payload (authorization, state checks, config and acknowledgement happen in
 * the intake lane); a cancel is authorized and applied at once. Check runs of jobs that end here
 * are completed in the background.
 */
export async function handleWebhook(params: HandleParams): Promise<WebhookOutcome> {
  const { payload, store, log } = params;
  const trigger = parseTrigger({ event: params.event, payload, label: params.label });
  const repo = payload.repository?.full_name;
  const installationId = payload.installation?.id;
  if (trigger.kind === "ignore") {
    log.debug({ delivery: params.deliveryId, event: params.event, reason: trigger.reason }, "webhook ignored");
    return { kind: "ignored", reason: trigger.reason };
  }
  if (!repo || typeof installationId !== "number") {
    log.warn({ delivery: params.deliveryId }, "webhook without repository or installation ignored");
    return { kind: "ignored", reason: "no repository or installation in the payload" };
  }

  if (trigger.kind === "cancel") {
    const auth = await authorizeActor({ client: params.client, ...splitRepo(repo), login: trigger.actor.login }).catch((error: unknown) => ({
      allowed: false as const,
      reason: `the permission check failed (${describeGitHubFailure(error)})`,
    }));
    if (!auth.allowed) {
      log.info({ delivery: params.deliveryId, repo, number: trigger.number, actor: trigger.actor.login, reason: auth.reason }, "cancel refused");
      return { kind: "refused", reason: auth.reason };
    }
    const result = params.scheduler.cancel(repo, trigger.number);
    // Close what intake opened for a job that never ran; a running job reports itself.
    for (const job of result.cancelled) params.scheduler.track(params.publish(job, cancelledEnding({ by: trigger.actor.login, started: false })));
    if (result.cancelled.length > 0 && result.running === null) {
      const body = renderForGitHub({ parts: cancelledMessage({ by: trigger.actor.login }), secrets: [] });
      params.scheduler.track(postComment({ client: params.client, repo, number: trigger.number, body }).catch((error: unknown) => log.warn({ err: describeGitHubFailure(error) }, "could not comment on a cancelled job")));
    }
    log.info({ repo, number: trigger.number, cancelled: result.cancelled.map((j) => j.id), running: result.running?.id ?? null }, "cancel applied");
    return { kind: "cancelled", jobIds: result.cancelled.map((j) => j.id), running: result.running?.id ?? null };
  }

  const inserted = store.insert({
    deliveryId: params.deliveryId,
    repo,
    installationId,
    target: trigger.target,
    number: trigger.number,
    trigger: trigger.via,
    actor: trigger.actor.login,
    instructions: trigger.instructions,
    commentId: trigger.commentId,
    payload: {
      ...freezeTaskText(payload),
      cloneUrl: payload.repository?.clone_url ?? `https://github.com/${repo}.git`,
      defaultBranch: payload.repository?.default_branch ?? "main",
      htmlUrl: payload.issue?.html_url ?? null,
    },
  });
  if (!inserted.inserted) {
    log.info({ delivery: params.deliveryId, repo, number: trigger.number, reason: inserted.reason, job: inserted.existing.id }, "duplicate trigger");
    return { kind: "duplicate", reason: inserted.reason, jobId: inserted.existing.id };
  }
  log.info({ delivery: params.deliveryId, repo, number: trigger.number, job: inserted.job.id, via: trigger.via }, "job stored");
  for (const old of inserted.superseded) params.scheduler.track(params.publish(old, supersededEnding({ by: trigger.actor.login })));
  params.scheduler.kick();
  return { kind: "stored", jobId: inserted.job.id, superseded: inserted.superseded.map((j) => j.id) };
}
