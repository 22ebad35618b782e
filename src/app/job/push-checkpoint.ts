import { splitRepo } from "../../github/api/github-client.js";
import { authorizeActor } from "../../github/authorize-actor.js";
import { pushBranch } from "../../workspace/git/push-branch.js";
import type { JobRun } from "./job-run.js";
import type { JobPlan } from "./plan-job.js";

/**
 * Pushes a checkpoint commit to the job's own `local-agent/…` branch (Redis queue mode), so a
 * worker that takes the session over after a crash resumes from it. The same rule as the final
 * push: only while whoever asked still may. A push that fails is logged and the run goes on: the
 * checkpoint is still in the checkout, and the final push carries it.
 */
export async function pushCheckpoint(run: JobRun, plan: JobPlan, dir: string): Promise<boolean> {
  const { job, deps, log } = run;
  try {
    const still = await authorizeActor({ client: run.client, ...splitRepo(job.repo), login: job.actor });
    if (!still.allowed) {
      log.info({ job: job.id, reason: still.reason }, "checkpoint kept local: the actor may no longer push");
      return false;
    }
    await pushBranch({
      dir,
      branch: plan.checkout.workBranch,
      defaultBranch: plan.context.defaultBranch,
      token: await run.mint(),
      env: deps.env,
      signal: run.signal,
    });
    log.info({ job: job.id, branch: plan.checkout.workBranch }, "checkpoint pushed");
    return true;
  } catch (error) {
    log.warn(
      { job: job.id, err: error instanceof Error ? error.message : String(error) },
      "could not push a checkpoint (the run goes on)",
    );
    return false;
  }
}
