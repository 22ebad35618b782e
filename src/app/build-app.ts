import type { ApplicationFunction, Probot } from "probot";
import { getBotIdentity } from "../github/api/get-bot-identity.js";
import { createJobScheduler, type JobScheduler } from "../jobs/create-job-scheduler.js";
import type { Job, JobLogger } from "../jobs/job-schema.js";
import { jobDeadlineMs, type AppDeps } from "./app-deps.js";
import { executeJob } from "./execute-job.js";
import { handleWebhook, type WebhookPayload } from "./handle-webhook.js";
import { intakeJob } from "./intake-job.js";
import { cancelledEnding, deadlineEnding, supersededEnding } from "./job/job-endings.js";
import type { JobEnding } from "./job/job-ending.js";
import { errorEnding } from "./job/error-ending.js";
import { publishResult } from "./job/publish-result.js";
import { createQueuePositionRefresher } from "./refresh-queue-positions.js";
import { startUp } from "./start-up.js";

export interface AppHandle {
  /** Resolves once the app finished its start-up work (crash recovery, workspace sweep). */
  ready: Promise<void>;
  /** The scheduler, once the app function ran (tests drain it; shutdown stops it). */
  scheduler(): JobScheduler;
}

/**
 * The Probot app: webhooks become stored jobs, an intake lane authorizes and acknowledges them,
 * a GPU lane runs them. Returns the app function and a handle for tests and shutdown.
 */
export function buildApp(deps: AppDeps): { app: ApplicationFunction; handle: AppHandle } {
  let scheduler: JobScheduler | null = null;
  let resolveReady: () => void = () => undefined;
  let rejectReady: (error: unknown) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });

  const app: ApplicationFunction = (probot: Probot) => {
    const log: JobLogger = {
      debug: (obj, msg) => probot.log.debug(obj, msg),
      info: (obj, msg) => probot.log.info(obj, msg),
      warn: (obj, msg) => probot.log.warn(obj, msg),
      error: (obj, msg) => probot.log.error(obj, msg),
    };
    let bot: Promise<{ name: string; email: string }> | null = null;
    const botIdentity = (installationId: number) => {
      bot ??= Promise.all([probot.auth(), probot.auth(installationId)]).then(([appClient, client]) => getBotIdentity({ appClient, client }));
      bot.catch(() => (bot = null));
      return bot;
    };
    /** Tells GitHub how a job ended outside `executeJob` (it never ran, or was given up on). */
    const publish = async (job: Job, ending: JobEnding) => {
      const current = deps.store.get(job.id) ?? job;
      try {
        await publishResult({ job: current, ending, client: await probot.auth(job.installationId), secrets: [deps.config.webhookSecret], store: deps.store, log, now: deps.now, ...(deps.retry?.publishDelaysMs ? { delaysMs: deps.retry.publishDelaysMs } : {}) });
      } catch (error) {
        log.error({ job: job.id, err: String(error) }, "could not tell GitHub how the job ended");
      }
    };
    const positions = createQueuePositionRefresher({ store: deps.store, client: (id) => probot.auth(id), log });
    const running = createJobScheduler({
      store: deps.store,
      slots: deps.config.gpuSlots,
      now: deps.now,
      logger: log,
      deadlineMs: jobDeadlineMs(deps),
      ...(deps.abandonAfterMs === undefined ? {} : { abandonAfterMs: deps.abandonAfterMs }),
      ...(deps.retry?.intakeDelayMs ? { intakeRetryDelayMs: deps.retry.intakeDelayMs } : {}),
      intake: async (job) => intakeJob({ job, client: await probot.auth(job.installationId), config: deps.config, store: deps.store, log }),
      execute: async (job, signal) =>
        executeJob({ job, signal, client: await probot.auth(job.installationId), appClient: await probot.auth(), bot: () => botIdentity(job.installationId), deps, log }),
      // Every job ends with its check run completed, also when it ends outside `executeJob`.
      onError: (error, job) => running.track(publish(job, errorEnding(error))),
      onDropped: (job) => {
        const by = job.supersededBy === null ? null : (deps.store.get(job.supersededBy)?.actor ?? null);
        running.track(publish(job, job.status === "superseded" ? supersededEnding({ by: by ?? "a writer" }) : cancelledEnding({ by: null, started: false })));
      },
      onAbandoned: (job, kind) => running.track(publish(job, kind === "deadline" ? deadlineEnding({ deadlineMs: jobDeadlineMs(deps) }) : cancelledEnding({ by: null, started: true }))),
      onQueueChanged: () => running.track(positions.refresh()),
    });
    scheduler = running;

    probot.on(["issues.labeled", "issues.unlabeled", "issue_comment.created"], async (context) => {
      await handleWebhook({
        event: context.name,
        deliveryId: context.id,
        payload: context.payload as WebhookPayload,
        label: deps.config.label,
        store: deps.store,
        scheduler: running,
        client: context.octokit,
        log,
        publish,
      });
    });

    void startUp({ probot, deps, scheduler: running, log, publish }).then(resolveReady, rejectReady);
  };

  return {
    app,
    handle: {
      ready,
      scheduler: () => {
        if (!scheduler) throw new Error("the app function has not run yet");
        return scheduler;
      },
    },
  };
}
