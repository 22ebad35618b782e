import { renderMarkdown } from "../../report/render-markdown.js";
import type { Report } from "../../report/report-schema.js";
import type { GitHubPart } from "../../github/render/render-for-github.js";
import { answerMessage, cancelledMessage, DEADLINE_HINT, errorMessage, hintForReport, recoveryMessage, resultMessage, taskRefusedMessage } from "../job-messages.js";
import type { JobEnding } from "./job-ending.js";

/**
 * The endings a job can have, each built from what the stage knows. Pure: GitHub is told by
 * `publishResult`. Report markdown goes into the check run (summary and per-turn table).
 */

const NOTE = "the full report is kept on the local-agent host";
const summaryOf = (report: Report): GitHubPart[] => [{ markdown: renderMarkdown(report, { include: "summary" }), note: NOTE }];
const turnsOf = (report: Report): GitHubPart[] => [{ markdown: renderMarkdown(report, { include: "turns" }), note: NOTE }];
const withReport = (report: Report | undefined) => (report ? { text: turnsOf(report) } : {});

/** Something went wrong; `what` may be text the app did not write (an error from git or a server). */
export function failedEnding(params: { what: string; hint: string; outcome?: string; report?: Report }): JobEnding {
  return {
    result: { status: "failed", outcome: params.outcome ?? "failed", error: params.what, ...(params.report ? { report: params.report } : {}) },
    comment: errorMessage({ what: params.what, hint: params.hint }),
    check: {
      conclusion: "failure",
      title: "local-agent could not finish",
      summary: [{ untrusted: params.what, style: "inline", max: 2_000 }, { own: `\n\n**What you can do:** ${params.hint}` }],
      ...withReport(params.report),
    },
  };
}

export function taskRefusedEnding(params: { message: string }): JobEnding {
  const headline = params.message.split("\n")[0] ?? "task refused";
  return {
    result: { status: "failed", outcome: "refused", error: headline },
    comment: taskRefusedMessage({ message: params.message }),
    check: { conclusion: "failure", title: "Task refused", summary: [{ markdown: params.message, max: 20_000 }] },
  };
}

export function cancelledEnding(params: { by: string | null; report?: Report; started: boolean }): JobEnding {
  const how = params.started ? "The run was cancelled; nothing was pushed." : `Cancelled${params.by ? ` by @${params.by}` : ""} before it started.`;
  return {
    result: { status: "cancelled", outcome: "cancelled", ...(params.report ? { report: params.report } : {}) },
    // Before the start, the cancel itself is answered once (by the webhook handler), not per job.
    comment: params.started ? cancelledMessage({ by: params.by }) : null,
    check: { conclusion: "cancelled", title: "Cancelled", summary: [{ own: how }], ...withReport(params.report) },
  };
}

export function supersededEnding(params: { by: string }): JobEnding {
  return {
    result: { status: "cancelled", outcome: "superseded" },
    comment: null,
    check: { conclusion: "neutral", title: "Superseded", summary: [{ own: `A newer \`/fix\` from @${params.by} replaced this run before it started.` }] },
  };
}

/** The job ran past the app's deadline and was stopped (its GPU slot is free again). */
export function deadlineEnding(params: { deadlineMs: number; report?: Report }): JobEnding {
  const what = `the job was still running after the app's job deadline (${durationText(params.deadlineMs)}, LOCAL_AGENT_JOB_DEADLINE_MINUTES), so it was stopped and its GPU slot freed; nothing was pushed`;
  return {
    ...failedEnding({ what, hint: DEADLINE_HINT, outcome: "deadline", ...(params.report ? { report: params.report } : {}) }),
    check: { conclusion: "failure", title: "Stopped at the job deadline", summary: [{ own: `${what}.\n\n**What you can do:** ${DEADLINE_HINT}` }], ...withReport(params.report) },
  };
}

export function recoveryFailedEnding(params: { attempts: number; maxAttempts: number }): JobEnding {
  return {
    result: { status: "failed", outcome: "failed" },
    comment: recoveryMessage({ resumed: false, ...params }),
    check: { conclusion: "failure", title: "Interrupted by restarts", summary: recoveryMessage({ resumed: false, ...params }).slice(0, 1) },
  };
}

export function answeredEnding(params: { report: Report }): JobEnding {
  const { report } = params;
  return {
    result: { status: "done", outcome: "answered", report },
    comment: answerMessage({ report }),
    check: { conclusion: "success", title: "Answered", summary: summaryOf(report), text: turnsOf(report) },
  };
}

/** A run that ended without a result to push: no answer, or no change. */
export function noResultEnding(params: { report: Report; headline: string; title: string }): JobEnding {
  const { report } = params;
  return {
    result: { status: "failed", outcome: report.outcome, report },
    comment: resultMessage({ report, headline: params.headline, reason: report.exit_reason, hint: hintForReport(report) }),
    check: {
      conclusion: "failure",
      title: params.title,
      summary: [{ own: params.headline }, { untrusted: report.exit_reason, style: "inline", max: 600 }, { own: ".\n\n" }, ...summaryOf(report)],
      text: turnsOf(report),
    },
  };
}

/** What the check run says about a run whose work was pushed. */
export function pushedCheck(report: Report): JobEnding["check"] {
  const completed = report.outcome === "completed";
  return { conclusion: completed ? "success" : "failure", title: completed ? "Done: tests pass" : `Not done: ${report.exit_reason}`, summary: summaryOf(report), text: turnsOf(report) };
}

export function resultOfRun(report: Report): JobEnding["result"] {
  return { status: report.outcome === "completed" ? "done" : "failed", outcome: report.outcome, report };
}

function durationText(ms: number): string {
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.round(ms / 60_000)} minutes`;
}
