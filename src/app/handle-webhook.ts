import type { JobScheduler } from "../jobs/create-job-scheduler.js";
import type { JobLogger } from "../jobs/job-schema.js";
import type { JobStore } from "../jobs/open-job-store.js";
import { authorizeActor } from "../github/authorize-actor.js";
import type { GitHubClient } from "../github/api/github-client.js";
import { splitRepo } from "../github/api/github-client.js";
import { completeCheckRun } from "../github/api/check-runs.js";
import { postComment } from "../github/api/post-comment.js";
import { parseTrigger, type TriggerPayload } from "../github/parse-trigger.js";
import { cancelledMessage } from "./job-messages.js";

/** The fields of `issues` / `issue_comment` payloads the app reads. */
export interface WebhookPayload extends TriggerPayload {
  installation?: { id?: number };
  repository?: { full_name?: string; clone_url?: string; default_branch?: string; html_url?: string };
  issue?: TriggerPayload["issue"] & { title?: string; body?: string | null; labels?: ({ name?: string } | string)[]; html_url?: string };
}

export type WebhookOutcome =
  | { kind: "ignored"; reason: string }
  | { kind: "stored"; jobId: number; superseded: number[] }
  | { kind: "duplicate"; reason: string; jobId: number }
  | { kind: "cancelled"; jobIds: number[]; running: number | null }
  | { kind: "refused"; reason: string };

/**
 * A webhook, handled within GitHub's 10 s: a run request is only stored (authorization, config
 * and acknowledgement happen in the intake lane); a cancel is authorized and applied at once.
 */
export async function handleWebhook(params: {
  event: string;
  deliveryId: string;
  payload: WebhookPayload;
  label: string;
  store: JobStore;
  scheduler: JobScheduler;
  client: GitHubClient;
  log: JobLogger;
  now: () => Date;
}): Promise<WebhookOutcome> {
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
    const auth = await authorizeActor({ client: params.client, ...splitRepo(repo), login: trigger.actor.login });
    if (!auth.allowed) {
      log.info({ delivery: params.deliveryId, repo, number: trigger.number, actor: trigger.actor.login, reason: auth.reason }, "cancel refused");
      return { kind: "refused", reason: auth.reason };
    }
    const result = params.scheduler.cancel(repo, trigger.number);
    for (const job of result.cancelled) {
      // Close what intake opened for a job that never ran; a running job reports itself.
      if (job.checkRunId !== null) {
        await completeCheckRun({
          client: params.client,
          repo,
          checkRunId: job.checkRunId,
          conclusion: "cancelled",
          output: { title: "Cancelled", summary: `Cancelled by @${trigger.actor.login} before it started.` },
          completedAt: params.now(),
        }).catch((error: unknown) => log.warn({ err: String(error), job: job.id }, "could not close the check run of a cancelled job"));
      }
    }
    if (result.cancelled.length > 0 && result.running === null) {
      await postComment({ client: params.client, repo, number: trigger.number, body: cancelledMessage({ by: trigger.actor.login }) }).catch((error: unknown) =>
        log.warn({ err: String(error) }, "could not comment on a cancelled job"),
      );
    }
    log.info({ repo, number: trigger.number, cancelled: result.cancelled.map((j) => j.id), running: result.running?.id ?? null }, "cancel applied");
    return { kind: "cancelled", jobIds: result.cancelled.map((j) => j.id), running: result.running?.id ?? null };
  }

  const issue = payload.issue ?? {};
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
      title: issue.title ?? "",
      body: issue.body ?? "",
      labels: (issue.labels ?? []).map((label) => (typeof label === "string" ? label : (label.name ?? ""))).filter(Boolean),
      cloneUrl: payload.repository?.clone_url ?? `https://github.com/${repo}.git`,
      defaultBranch: payload.repository?.default_branch ?? "main",
      htmlUrl: issue.html_url ?? null,
    },
  });
  if (!inserted.inserted) {
    log.info({ delivery: params.deliveryId, repo, number: trigger.number, reason: inserted.reason, job: inserted.existing.id }, "duplicate trigger");
    return { kind: "duplicate", reason: inserted.reason, jobId: inserted.existing.id };
  }
  log.info({ delivery: params.deliveryId, repo, number: trigger.number, job: inserted.job.id, via: trigger.via }, "job stored");
  for (const old of inserted.superseded) {
    if (old.checkRunId === null) continue;
    await completeCheckRun({
      client: params.client,
      repo,
      checkRunId: old.checkRunId,
      conclusion: "neutral",
      output: { title: "Superseded", summary: `A newer \`/fix\` from @${trigger.actor.login} replaced this run before it started.` },
      completedAt: params.now(),
    }).catch((error: unknown) => log.warn({ err: String(error), job: old.id }, "could not close the check run of a superseded job"));
  }
  params.scheduler.kick();
  return { kind: "stored", jobId: inserted.job.id, superseded: inserted.superseded.map((j) => j.id) };
}
