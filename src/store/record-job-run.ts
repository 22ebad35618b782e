import type { AppDeps } from "../app/app-deps.js";
import type { Job, JobLogger } from "../jobs/job-schema.js";
import type { Report } from "../report/report-schema.js";
import { captureDiff } from "./capture-diff.js";
import { readOptionalFile } from "./read-optional-file.js";

export interface RecordJobRunParams {
  deps: Pick<AppDeps, "runs" | "env" | "now">;
  job: Job;
  report: Report;
  /** Where the live backend recorded the replay transcript (absent for replay runs). */
  transcriptFile: string | null;
  /** The job's checkout, still on disk. */
  workDir: string;
  /** Where the work started (`origin/<base>` or the pull request's head sha), for the diff. */
  diffBase: string;
  /** The branch the work is committed to. */
  branch: string;
  log: JobLogger;
}

/**
 * Keeps one app run in the run store: the report, the transcript, the diff and the job's facts.
 * Storing is best effort: a full disk must not turn a finished run into a failed job, so a
 * failure is logged and the job goes on to publish.
 */
export async function recordJobRun(params: RecordJobRunParams): Promise<number | null> {
  const { job, report, deps } = params;
  try {
    const [transcript, diff] = await Promise.all([
      readOptionalFile(params.transcriptFile),
      captureDiff({ dir: params.workDir, base: params.diffBase, paths: report.files_changed, env: deps.env }),
    ]);
    const title = typeof job.payload.title === "string" && job.payload.title !== "" ? job.payload.title : report.task.title;
    const id = deps.runs.insert({
      source: "app",
      jobId: job.id,
      installationId: job.installationId,
      repo: job.repo,
      number: job.number,
      target: job.target,
      title: title.slice(0, 1000),
      actor: job.actor,
      branch: params.branch,
      checkRunId: job.checkRunId,
      report,
      transcript,
      diff,
      finishedAt: deps.now().toISOString(),
    });
    params.log.info({ job: job.id, run: id }, "run stored");
    return id;
  } catch (error) {
    params.log.warn({ job: job.id, err: error instanceof Error ? error.message : String(error) }, "could not store the run");
    return null;
  }
}
