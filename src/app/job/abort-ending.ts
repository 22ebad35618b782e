import { jobAbortKind } from "../../jobs/job-abort-kind.js";
import type { Report } from "../../report/report-schema.js";
import type { JobEnding } from "./job-ending.js";
import { cancelledEnding, deadlineEnding } from "./job-endings.js";

/**
 * The ending of a job whose signal aborted, by why: a shutdown says nothing (the job goes back to
 * the queue), the deadline says what to check, a cancel says it was cancelled.
 */
export function abortEnding(params: { signal: AbortSignal; deadlineMs: number; report?: Report }): JobEnding {
  const kind = jobAbortKind(params.signal);
  const report = params.report ? { report: params.report } : {};
  if (kind === "shutdown") return { ...cancelledEnding({ by: null, started: true, ...report }), result: { status: "cancelled", outcome: "shutdown", ...report }, silent: true };
  if (kind === "deadline") return deadlineEnding({ deadlineMs: params.deadlineMs, ...report });
  return cancelledEnding({ by: null, started: true, ...report });
}
