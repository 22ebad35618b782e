import type { Probot } from "probot";
import type { JobLogger } from "../jobs/job-schema.js";
import { type RedisWorkerHandle, startRedisWorker } from "../jobs/redis/start-redis-worker.js";
import { sweepWorkspaces } from "../jobs/sweep-workspaces.js";
import { type AppDeps, jobDeadlineMs } from "./app-deps.js";
import { memoBotIdentity } from "./memo-bot-identity.js";
import { runWorkerSession } from "./run-worker-session.js";

/**
 * One GPU box's worker (`local-agent worker`, or the one `serve` runs beside the receiver): takes
 * `slots` sessions at a time from the Redis queue while its model host answers, and runs each with
 * this box's dependencies. Probot is used for its GitHub authentication only (no server). A
 * worker killed mid-session leaves a workspace behind; the sweep at start removes it.
 */
export async function startAppWorker(params: {
  probot: Probot;
  deps: AppDeps;
  redisUrl: string;
  slots: number;
  /** The box's model server; null for a model without one (sim, replay). */
  modelHost: string | null;
  log: JobLogger;
  /** Redis key prefix (tests keep runs apart). */
  prefix?: string;
}): Promise<RedisWorkerHandle> {
  const { probot, deps, log } = params;
  const swept = await sweepWorkspaces({ dir: deps.workspacesDir, keep: new Set() });
  if (swept.removed.length > 0) log.info({ removed: swept.removed }, "removed workspaces a killed worker left");
  const bot = memoBotIdentity(probot);
  const stallMs = deps.config.stallSeconds * 1000;
  const worker = startRedisWorker({
    url: params.redisUrl,
    slots: params.slots,
    ...(params.prefix ? { prefix: params.prefix } : {}),
    // The lock is renewed every half of it; a worker silent for a whole one is taken as dead.
    stall: { lockDurationMs: stallMs, stalledIntervalMs: stallMs },
    deadlineMs: jobDeadlineMs(deps),
    ...(params.modelHost
      ? {
          modelHost: {
            url: params.modelHost,
            onChange: (status) =>
              status.status === "down"
                ? log.warn(
                    { modelHost: status.url, reason: status.reason },
                    "the model host stopped answering: this worker takes no sessions until it is back",
                  )
                : log.info({ modelHost: status.url }, "the model host answers: taking sessions"),
          },
        }
      : {}),
    run: (session) =>
      runWorkerSession({
        session,
        deps,
        client: (id) => probot.auth(id),
        appClient: () => probot.auth(),
        bot,
        log,
      }).catch((error: unknown) => {
        // BullMQ keeps only the message; the operator of this box reads it here.
        log.error(
          { session: session.jobId, err: error instanceof Error ? error.message : String(error) },
          "session failed",
        );
        throw error;
      }),
    onError: (error) => log.warn({ err: error.message }, "Redis connection trouble (retrying)"),
  });
  await worker.ready;
  return worker;
}
