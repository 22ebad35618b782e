import type { AppConfig } from "../config/app-env-schema.js";
import { addReaction } from "../github/api/add-reaction.js";
import { createQueuedCheckRun } from "../github/api/check-runs.js";
import type { GitHubClient } from "../github/api/github-client.js";
import { splitRepo } from "../github/api/github-client.js";
import { postComment } from "../github/api/post-comment.js";
import { authorizeActor } from "../github/authorize-actor.js";
import { jobPageUrl } from "../dashboard/job-page-url.js";
import type { IntakeDecision } from "../jobs/create-job-scheduler.js";
import type { Job, JobLogger } from "../jobs/job-schema.js";
import type { JobStore } from "../jobs/open-job-store.js";
import { invalidConfigMessage, refusalMessage } from "./job-messages.js";
import { loadJobContext } from "./load-job-context.js";

/**
 * The intake lane: is the actor allowed (write access, asked of the API), is the repo config
 * valid, then acknowledge with 👀 and a queued check run that shows the queue position.
 */
export async function intakeJob(params: { job: Job; client: GitHubClient; config: AppConfig; store: JobStore; log: JobLogger }): Promise<IntakeDecision> {
  const { job, client, log } = params;
  const auth = await authorizeActor({ client, ...splitRepo(job.repo), login: job.actor });
  if (!auth.allowed) {
    log.info({ job: job.id, repo: job.repo, number: job.number, actor: job.actor, reason: auth.reason }, "job refused: actor not allowed");
    // Answered once per person and target: a refusal is useful, a stream of them is noise.
    if (params.store.markNotified(`refused:${job.repo}#${job.number}:${job.actor}`)) {
      await postComment({ client, repo: job.repo, number: job.number, body: refusalMessage({ actor: job.actor, reason: auth.reason, label: params.config.label }) });
    }
    return { status: "refused", reason: auth.reason };
  }
  const context = await loadJobContext({ client, job, config: params.config });
  if (!context.ok) {
    log.info({ job: job.id, repo: job.repo }, "job refused: invalid repo config");
    await postComment({ client, repo: job.repo, number: job.number, body: invalidConfigMessage({ branch: context.defaultBranch, message: context.configError }) });
    return { status: "refused", reason: "invalid .github/local-agent.yml" };
  }
  await addReaction({ client, repo: job.repo, number: job.number, commentId: job.commentId }).catch((error: unknown) =>
    log.warn({ job: job.id, err: String(error) }, "could not add the 👀 reaction"),
  );
  const position = params.store.queuePosition(job.id) ?? 1;
  const checkRunId = await createQueuedCheckRun({
    client,
    repo: job.repo,
    headSha: context.headSha,
    detailsUrl: jobPageUrl(params.config.publicUrl, job.id) ?? undefined,
    output: {
      title: position <= 1 ? "Queued: next to run" : `Queued: position ${position}`,
      summary: `Requested by @${job.actor} on #${job.number}. ${position <= 1 ? "It starts as soon as a GPU slot is free." : `${position - 1} job(s) run before it.`}`,
    },
  });
  return { status: "queued", checkRunId };
}
