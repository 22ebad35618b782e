import { freezeTaskText } from "../github/frozen-task-text.js";
import { parseReviewTrigger, type ReviewPayload } from "../github/review/parse-review-trigger.js";
import { type ReviewCommentFields, snapshotReviewComment } from "../github/review/review-comment-snapshot.js";
import type { JobScheduler } from "../jobs/create-job-scheduler.js";
import type { Job, JobLogger } from "../jobs/job-schema.js";
import type { JobStore } from "../jobs/open-job-store.js";
import type { WebhookOutcome } from "./handle-webhook.js";
import type { JobEnding } from "./job/job-ending.js";
import { supersededEnding } from "./job/job-endings.js";

/** The fields of `pull_request_review` and `pull_request_review_comment` payloads the app reads. */
export interface ReviewWebhookPayload extends ReviewPayload {
  installation?: { id?: number };
  repository?: { full_name?: string; clone_url?: string; default_branch?: string };
  comment?: ReviewCommentFields;
  changes?: { body?: { from?: string } };
}

type HandleReviewParams = {
  event: string;
  deliveryId: string;
  payload: ReviewWebhookPayload;
  store: JobStore;
  scheduler: JobScheduler;
  log: JobLogger;
  publish: (job: Job, ending: JobEnding) => Promise<unknown>;
};

/**
 * Review webhooks, within GitHub's 10 s and from the payload alone. A review comment is kept as
 * delivered (an `edited` one as its text before the edit), so the job reads what the reviewer
 * submitted. A submitted review that asks for work is stored as one job, its text frozen from
 * this payload; intake authorizes the reviewer and checks that the app opened the pull request.
 */
export function handleReviewWebhook(params: HandleReviewParams): WebhookOutcome {
  const { payload, store, log } = params;
  const repo = payload.repository?.full_name;
  const installationId = payload.installation?.id;
  if (!repo || typeof installationId !== "number")
    return { kind: "ignored", reason: "no repository or installation in the payload" };
  if (params.event === "pull_request_review_comment") return keepComment({ ...params, repo });
  const trigger = parseReviewTrigger(payload);
  if (trigger.kind === "ignore") {
    log.debug({ delivery: params.deliveryId, reason: trigger.reason }, "review ignored");
    return { kind: "ignored", reason: trigger.reason };
  }
  // One review is one job, whatever delivery brings it again.
  const key = `review-job:${repo}:${trigger.review.id}`;
  if (store.wasNotified(key)) return { kind: "ignored", reason: `review ${trigger.review.id} already has a job` };
  const pr = payload.pull_request ?? {};
  const inserted = store.insert({
    deliveryId: params.deliveryId,
    repo,
    installationId,
    target: "pull_request",
    number: trigger.number,
    trigger: "comment",
    actor: trigger.actor.login,
    instructions: null,
    commentId: null,
    payload: {
      ...freezeTaskText({ issue: { title: pr.title ?? "", body: pr.body ?? "", labels: pr.labels ?? [] } }),
      review: trigger.review,
      cloneUrl: payload.repository?.clone_url ?? `https://github.com/${repo}.git`,
      defaultBranch: payload.repository?.default_branch ?? "main",
      htmlUrl: pr.html_url ?? null,
    },
  });
  if (!inserted.inserted) return { kind: "duplicate", reason: inserted.reason, jobId: inserted.existing.id };
  store.markNotified(key);
  log.info(
    { delivery: params.deliveryId, repo, number: trigger.number, job: inserted.job.id, review: trigger.review.id },
    "review job stored",
  );
  for (const old of inserted.superseded)
    params.scheduler.track(params.publish(old, supersededEnding({ by: trigger.actor.login })));
  params.scheduler.kick();
  return { kind: "stored", jobId: inserted.job.id, superseded: inserted.superseded.map((j) => j.id) };
}

function keepComment(params: HandleReviewParams & { repo: string }): WebhookOutcome {
  const { payload } = params;
  const action = payload.action;
  if (action !== "created" && action !== "edited")
    return { kind: "ignored", reason: `pull_request_review_comment.${action ?? "?"} is not kept` };
  const number = payload.pull_request?.number;
  if (!payload.comment || typeof number !== "number")
    return { kind: "ignored", reason: "the payload has no comment or pull request" };
  // For an edit, the text before it: the first text the app learns of is the one kept.
  const before = action === "edited" ? payload.changes?.body?.from : undefined;
  const snapshot = snapshotReviewComment({
    comment: payload.comment,
    number,
    ...(before === undefined ? {} : { body: before }),
  });
  if (!snapshot) return { kind: "ignored", reason: "the review comment lacks fields" };
  const kept = params.store.keepReviewComment(params.repo, snapshot);
  params.log.debug(
    { delivery: params.deliveryId, comment: snapshot.id, review: snapshot.reviewId, kept },
    "review comment kept",
  );
  return { kind: "ignored", reason: kept ? "review comment kept" : "review comment already kept" };
}
