import type { AppDeps } from "../../app/app-deps.js";
import type { ExecuteResult } from "../../jobs/create-job-scheduler.js";
import type { Job } from "../../jobs/job-schema.js";
import type { AppMetrics } from "../../metrics/create-app-metrics.js";
import { ReportSchema } from "../../report/report-schema.js";
import type { LiveProgress } from "./create-live-progress.js";

type Execute = (job: Job, signal: AbortSignal, deps: AppDeps) => Promise<ExecuteResult>;

/**
 * Wraps the GPU lane's execute so the dashboard and the metrics see each job: its model is
 * observed call by call (live progress, latency, speed, prompt reuse), and its end is counted
 * (status and outcome, and the run's report: exit, validity, interventions).
 */
export function instrumentExecute(params: { deps: AppDeps; live: LiveProgress; metrics: AppMetrics; execute: Execute }): (job: Job, signal: AbortSignal) => Promise<ExecuteResult> {
  const { deps, live, metrics } = params;
  return async (job, signal) => {
    const observed: AppDeps = { ...deps, createModel: (asked) => live.observe(job.id, deps.createModel(asked)) };
    try {
      const result = await params.execute(job, signal, observed);
      metrics.observeJobFinished({ status: result.status, outcome: result.outcome ?? null });
      const report = ReportSchema.safeParse(result.report);
      if (report.success) metrics.observeRun(report.data);
      return result;
    } finally {
      live.finish(job.id);
    }
  };
}
