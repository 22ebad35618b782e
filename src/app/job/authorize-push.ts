import { splitRepo } from "../../github/api/github-client.js";
import { authorizeActor } from "../../github/authorize-actor.js";
import { renderPlainLine } from "../../github/render/render-for-github.js";
import type { Report } from "../../report/report-schema.js";
import { commitPaths } from "../../workspace/git/commit-paths.js";
import { openGit } from "../../workspace/git/open-git.js";
import { abortEnding } from "./abort-ending.js";
import type { JobEnding } from "./job-ending.js";
import { answeredEnding, failedEnding, noResultEnding } from "./job-endings.js";
import type { JobRun } from "./job-run.js";
import type { JobPlan } from "./plan-job.js";
import { workBase } from "./work-base.js";

/**
 * Stage 4, authorize: decides whether anything leaves this machine. A cancelled run, a question
 * (answered or not) and a run that changed nothing end here; otherwise the final commit is made
 * (only the files the agent wrote), and the request must still stand, by someone still allowed.
 */
export async function authorizePush(
  run: JobRun,
  plan: JobPlan,
  ran: { dir: string; report: Report; checkpoints: number; deadlineMs: number },
): Promise<{ ok: true; commits: number } | { ok: false; ending: JobEnding }> {
  const { job, deps, signal } = run;
  const { report } = ran;
  if (report.outcome === "cancelled") return { ok: false, ending: abortEnding({ signal, deadlineMs: ran.deadlineMs, report }) };
  if (plan.task.kind === "question") {
    if (report.outcome === "answered") return { ok: false, ending: answeredEnding({ report }) };
    return { ok: false, ending: noResultEnding({ report, headline: "local-agent could not answer this: ", title: "No answer" }) };
  }
  // The title is the issue author's text: in a commit that reaches the default branch, a closing
  // keyword in it would close that issue, so it is rendered inert like everything else.
  const title = renderPlainLine({ text: plan.task.title, max: 180, secrets: run.secrets() });
  const finalSha = await commitPaths({
    dir: ran.dir,
    paths: report.files_changed,
    message: `${report.outcome === "completed" ? "Fix" : "WIP"} #${job.number}: ${title}`,
    author: await run.bot(),
    env: deps.env,
  });
  // Counted on the branch, not in this attempt: a resumed job's earlier checkpoints are its work too.
  const ahead = await openGit({ dir: ran.dir, env: deps.env }).raw(["rev-list", "--count", `${workBase(plan)}..HEAD`]);
  const commits = Number(ahead.trim()) || ran.checkpoints + (finalSha ? 1 : 0);
  if (commits === 0) return { ok: false, ending: noResultEnding({ report, headline: "local-agent did not change anything: ", title: "No change" }) };
  if (signal.aborted) return { ok: false, ending: abortEnding({ signal, deadlineMs: ran.deadlineMs, report }) };
  const still = await authorizeActor({ client: run.client, ...splitRepo(job.repo), login: job.actor });
  if (!still.allowed) return { ok: false, ending: failedEnding({ what: `nothing was pushed: ${still.reason}`, hint: "Ask a maintainer to comment `/fix`.", report }) };
  return { ok: true, commits };
}
