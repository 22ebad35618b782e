import type { ApplicationFunction, ApplicationFunctionOptions, Probot } from "probot";
import { createDashboard, type Dashboard } from "../dashboard/create-dashboard.js";
import { createLiveProgress } from "../dashboard/live/create-live-progress.js";
import { instrumentExecute } from "../dashboard/live/instrument-execute.js";
import { createAppMetrics } from "../metrics/create-app-metrics.js";
import { createJobScheduler, type JobScheduler } from "../jobs/create-job-scheduler.js";
import type { Job, JobLogger } from "../jobs/job-schema.js";
import { jobDeadlineMs, type AppDeps } from "./app-deps.js";
import { dispatchJob } from "./dispatch-job.js";
import { queuedDecision, withdrawHandedOver } from "./withdraw-handed-over.js";
import { executeJob } from "./execute-job.js";
import { handleWebhook, type WebhookPayload } from "./handle-webhook.js";
import { handleReviewWebhook, type ReviewWebhookPayload } from "./handle-review-webhook.js";
import { intakeJob } from "./intake-job.js";
import { memoBotIdentity } from "./memo-bot-identity.js";
import { cancelledEnding, deadlineEnding, supersededEnding } from "./job/job-endings.js";
import type { JobEnding } from "./job/job-ending.js";
import { errorEnding } from "./job/error-ending.js";
import { publishResult } from "./job/publish-result.js";
import { createQueuePositionRefresher } from "./refresh-queue-positions.js";
import { startUp } from "./start-up.js";

/** Jobs handed to the Redis queue at once (each waits there for a worker's slot); the SQLite queue holds the rest. */
const DISPATCH_SLOTS = 64;

export interface AppHandle {
  /** Resolves once the app finished its start-up work (crash recovery, workspace sweep). */
  ready: Promise<void>;
  /** The scheduler, once the app function ran (tests drain it; shutdown stops it). */
  scheduler(): JobScheduler;
  /** The dashboard and `/metrics` handler, once the app function ran (mounted on Probot's server when it has one). */
  dashboard(): Dashboard;
}

/**
 * The Probot app: webhooks become stored jobs, an intake lane authorizes and acknowledges them,
 * a GPU lane runs them. Returns the app function and a handle for tests and shutdown.
 */
export function buildApp(deps: AppDeps): { app: ApplicationFunction; handle: AppHandle } {
  let scheduler: JobScheduler | null = null;
  let dashboard: Dashboard | null = null;
  let resolveReady: () => void = () => undefined;
  let rejectReady: (error: unknown) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });

  const app: ApplicationFunction = (probot: Probot, options?: ApplicationFunctionOptions) => {
    const log: JobLogger = {
      debug: (obj, msg) => probot.log.debug(obj, msg),
      info: (obj, msg) => probot.log.info(obj, msg),
      warn: (obj, msg) => probot.log.warn(obj, msg),
      error: (obj, msg) => probot.log.error(obj, msg),
    };
    const botIdentity = memoBotIdentity(probot);
    const metrics = createAppMetrics({ store: deps.store });
    const live = createLiveProgress({ now: deps.now, onCall: (event) => metrics.observeModelCall(event) });
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
    const workers = deps.workers;
    const running = createJobScheduler({
      store: deps.store,
      // With the Redis queue the sessions wait in Redis for a worker's slot; here they are only handed over.
      slots: workers ? DISPATCH_SLOTS : deps.config.gpuSlots,
      now: deps.now,
      logger: log,
      // The worker that runs the session keeps the deadline: time spent waiting for a worker does not count.
      ...(workers ? {} : { deadlineMs: jobDeadlineMs(deps) }),
      ...(deps.abandonAfterMs === undefined ? {} : { abandonAfterMs: deps.abandonAfterMs }),
      ...(deps.retry?.intakeDelayMs ? { intakeRetryDelayMs: deps.retry.intakeDelayMs } : {}),
      intake: async (job) => {
        const decision = await intakeJob({ job, client: await probot.auth(job.installationId), config: deps.config, store: deps.store, log, bot: () => botIdentity(job.installationId) });
        // Only once the newer /fix is authorized may it replace the session a worker has not taken yet.
        if (workers && job.trigger === "comment" && queuedDecision(decision)) await withdrawHandedOver({ job, queue: workers, store: deps.store, log });
        return decision;
      },
      execute: workers
        ? (job, signal) =>
            dispatchJob({ job, signal, queue: workers, secret: deps.config.webhookSecret, publish, log, newerActor: () => deps.store.activeFor(job.repo, job.number).filter((other) => other.id > job.id).at(-1)?.actor ?? null })
        : instrumentExecute({
            deps,
            live,
            metrics,
            execute: async (job, signal, observed) =>
              executeJob({ job, signal, client: await probot.auth(job.installationId), appClient: await probot.auth(), bot: () => botIdentity(job.installationId), deps: observed, log }),
          }),
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
    dashboard = createDashboard({ ...deps, scheduler: running, publish, installationClient: (id) => probot.auth(id), live, metrics, log });
    mountDashboard({ options, dashboard, log });

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

    probot.on(["pull_request_review.submitted", "pull_request_review_comment.created", "pull_request_review_comment.edited"], async (context) => {
      handleReviewWebhook({ event: context.name, deliveryId: context.id, payload: context.payload as ReviewWebhookPayload, store: deps.store, scheduler: running, log, publish });
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
      dashboard: () => {
        if (!dashboard) throw new Error("the app function has not run yet");
        return dashboard;
      },
    },
  };
}

/**
 * Serves the dashboard and `/metrics` on Probot's own server (`local-agent serve`, `probot run`).
 * A Probot loaded without a server (tests, middleware set-ups) has nowhere to mount it; the
 * handler stays reachable through the app handle.
 */
function mountDashboard(params: { options: ApplicationFunctionOptions | undefined; dashboard: Dashboard; log: JobLogger }): void {
  try {
    params.options?.addHandler((req, res) => params.dashboard.handle(req, res));
  } catch (error) {
    params.log.debug({ err: error instanceof Error ? error.message : String(error) }, "no server to mount the dashboard on");
  }
}
