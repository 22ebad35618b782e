import { jobPageUrl } from "../../dashboard/job-page-url.js";
import { renderPullRequestBody, type DiffStat } from "../../github/render-pull-request-body.js";
import type { Report } from "../../report/report-schema.js";
import { hintForReport, resultMessage } from "../job-messages.js";
import type { JobEnding } from "./job-ending.js";
import { pushedCheck, resultOfRun } from "./job-endings.js";
import type { JobRun } from "./job-run.js";
import type { JobPlan } from "./plan-job.js";

/**
 * The ending of a run whose work was pushed: a comment on the pull request whose branch took the
 * commits, or a new pull request (a draft when the tests do not pass or the run ended early).
 */
export function pushedEnding(params: { run: JobRun; plan: JobPlan; report: Report; commits: number; diff: DiffStat[] }): JobEnding {
  const { run, plan, report } = params;
  const { job } = run;
  const completed = report.outcome === "completed";
  const check = pushedCheck(report);
  const result = resultOfRun(report);
  const branch = plan.checkout.workBranch;
  if (plan.onPullRequestBranch) {
    const headline = `local-agent pushed ${params.commits} commit(s) to \`${branch}\`: `;
    return { result, check, comment: resultMessage({ report, headline, reason: completed ? "done, the tests pass" : report.exit_reason, hint: hintForReport(report) }) };
  }
  const draftReason = completed ? null : `${report.exit_reason}. Review carefully; the tests ${report.totals.tests_after?.passed ? "pass" : "do not pass"}.`;
  return {
    result,
    check,
    comment: null,
    pullRequest: {
      title: job.target === "pull_request" ? `local-agent: ${plan.task.title}` : plan.task.title,
      head: branch,
      base: plan.context.defaultBranch,
      draft: !completed,
      body: (secrets) =>
        renderPullRequestBody({
          report,
          issueNumber: job.target === "issue" ? job.number : null,
          diff: params.diff,
          actor: job.actor,
          via: job.trigger,
          draftReason,
          secrets,
          runUrl: jobPageUrl(run.deps.config.publicUrl, job.id),
        }),
    },
  };
}
