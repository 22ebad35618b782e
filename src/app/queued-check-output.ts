import { renderCheckOutput, type CheckOutput } from "../github/render/render-check-output.js";
import type { Job } from "../jobs/job-schema.js";

/**
 * What a queued check run says: its place in the fair queue now. Repositories and installations
 * take turns, so a job from another repository that arrives later may go ahead; the app rewrites
 * the check run whenever its place changes, so what it shows stays true.
 */
export function queuedCheckOutput(params: { job: Job; position: number }): CheckOutput {
  const { job, position } = params;
  const ahead = position <= 1 ? "It starts as soon as a GPU slot is free." : `${position - 1} job(s) start before it.`;
  return renderCheckOutput({
    title: position <= 1 ? "Queued: next to run" : `Queued: position ${position}`,
    summary: [{ own: `Requested by @${job.actor} on #${job.number}. ${ahead} Repositories take turns; this shows the place in the queue now.` }],
    secrets: [],
  });
}
