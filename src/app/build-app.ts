import type { ApplicationFunction, ApplicationFunctionOptions, Probot } from "probot";
import { createDashboard, type Dashboard } from "../dashboard/create-dashboard.js";
import { createLiveProgress } from "../dashboard/live/create-live-progress.js";
import { instrumentExecute } from "../dashboard/live/instrument-execute.js";
import { createAppMetrics } from "../metrics/create-app-metrics.js";
import { getBotIdentity } from "../github/api/get-bot-identity.js";
import { postComment } from "../github/api/post-comment.js";
import { createJobScheduler, type JobScheduler } from "../jobs/create-job-scheduler.js";
import type { Job, JobLogger } from "../jobs/job-schema.js";
import { sweepWorkspaces } from "../jobs/sweep-workspaces.js";
import type { AppDeps } from "./app-deps.js";
import { executeJob } from "./execute-job.js";
import { handleWebhook, type WebhookPayload } from "./handle-webhook.js";
import { intakeJob } from "./intake-job.js";
import { recoveryMessage } from "./job-messages.js";

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
  const maxAttempts = deps.maxAttempts ?? 2;

  const app: ApplicationFunction = (probot: Probot, options?: ApplicationFunctionOptions) => {
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
    const metrics = createAppMetrics({ store: deps.store });
    const live = createLiveProgress({ now: deps.now, onCall: (event) => metrics.observeModelCall(event) });
    const running = createJobScheduler({
      store: deps.store,
      slots: deps.config.gpuSlots,
      now: deps.now,
      logger: log,
      intake: async (job) => intakeJob({ job, client: await probot.auth(job.installationId), config: deps.config, store: deps.store, log }),
      execute: instrumentExecute({
        deps,
        live,
        metrics,
        execute: async (job, signal, observed) =>
          executeJob({ job, signal, client: await probot.auth(job.installationId), appClient: await probot.auth(), bot: () => botIdentity(job.installationId), deps: observed, log }),
      }),
      onError: (error, job) => log.error({ job: job.id, err: error instanceof Error ? error.message : String(error) }, "job crashed"),
    });
    scheduler = running;
    dashboard = createDashboard({ ...deps, scheduler: running, installationClient: (id) => probot.auth(id), live, metrics, log });
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
        now: deps.now,
      });
    });

    void startUp({ probot, deps, scheduler: running, log, maxAttempts }).then(resolveReady, rejectReady);
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

/** After a crash: resume or fail (with a comment) what was running, sweep workspaces, start. */
async function startUp(params: { probot: Probot; deps: AppDeps; scheduler: JobScheduler; log: JobLogger; maxAttempts: number }): Promise<void> {
  const { probot, deps, log, maxAttempts } = params;
  const recovery = deps.store.recoverAfterCrash({ maxAttempts });
  const tell = async (job: Job, body: string) => {
    try {
      await postComment({ client: await probot.auth(job.installationId), repo: job.repo, number: job.number, body });
    } catch (error) {
      log.warn({ job: job.id, err: String(error) }, "could not comment about crash recovery");
    }
  };
  for (const job of recovery.requeued) await tell(job, recoveryMessage({ resumed: true, attempts: job.attempts, maxAttempts }));
  for (const job of recovery.failed) await tell(job, recoveryMessage({ resumed: false, attempts: job.attempts, maxAttempts }));
  if (recovery.requeued.length + recovery.failed.length > 0) {
    log.warn({ requeued: recovery.requeued.map((j) => j.id), failed: recovery.failed.map((j) => j.id) }, "recovered jobs left by a crash");
  }
  const swept = await sweepWorkspaces({ dir: deps.workspacesDir, keep: new Set(params.scheduler.runningJobIds().map((id) => `job-${id}`)) });
  if (swept.removed.length > 0) log.info({ removed: swept.removed }, "removed orphaned workspaces");
  params.scheduler.kick();
}
