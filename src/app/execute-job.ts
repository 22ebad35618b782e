import fs from "node:fs/promises";
import path from "node:path";
import type { ExecuteResult } from "../jobs/create-job-scheduler.js";
import { jobAbortKind } from "../jobs/job-abort-kind.js";
import type { Job, JobLogger } from "../jobs/job-schema.js";
import { completeCheckRun, markCheckRunInProgress } from "../github/api/check-runs.js";
import type { GitHubClient } from "../github/api/github-client.js";
import { mintRepoToken } from "../github/api/mint-repo-token.js";
import { openPullRequest } from "../github/api/open-pull-request.js";
import { postComment } from "../github/api/post-comment.js";
import { revokeToken } from "../github/api/revoke-token.js";
import { splitRepo } from "../github/api/github-client.js";
import { authorizeActor } from "../github/authorize-actor.js";
import { renderPullRequestBody, type DiffStat } from "../github/render-pull-request-body.js";
import { jobPageUrl } from "../dashboard/job-page-url.js";
import { ModelError } from "../model/model-error.js";
import { preflightModel } from "../preflight/preflight-model.js";
import { runLocalTask } from "../pipeline/run-local-task.js";
import type { Report } from "../report/report-schema.js";
import { renderMarkdown } from "../report/render-markdown.js";
import { parseScaffoldSpec } from "../scaffold/parse-scaffold-spec.js";
import { recordJobRun } from "../store/record-job-run.js";
import { buildTask } from "../task/build-task.js";
import { detectTestCommand } from "../task/detect-test-command.js";
import { commitPaths } from "../workspace/git/commit-paths.js";
import { openGit } from "../workspace/git/open-git.js";
import { prepareCheckout, type CheckoutPlan } from "../workspace/git/prepare-checkout.js";
import { pushBranch } from "../workspace/git/push-branch.js";
import type { AppDeps } from "./app-deps.js";
import { answerMessage, cancelledMessage, errorMessage, hintForReport, resultMessage, taskRefusedMessage } from "./job-messages.js";
import { jobPayload, loadJobContext } from "./load-job-context.js";

export interface ExecuteJobParams {
  job: Job;
  signal: AbortSignal;
  /** Installation-authenticated client for the job's repository. */
  client: GitHubClient;
  /** App-authenticated (JWT) client, to mint a repository-scoped token. */
  appClient: GitHubClient;
  bot: () => Promise<{ name: string; email: string }>;
  deps: AppDeps;
  log: JobLogger;
}

/**
 * One job, end to end: check out, run the agent in the sandbox, commit and push, then the pull
 * request (or the answer, or an explanation) and the completed check run. Every way it can end
 * is reported on GitHub; the token is minted per job, scoped to the repository, and revoked.
 */
export async function executeJob(params: ExecuteJobParams): Promise<ExecuteResult> {
  const { job, client, deps, log, signal } = params;
  const { config } = deps;
  const started = deps.now();
  const meta = jobPayload(job);
  const workDir = path.join(deps.workspacesDir, `job-${job.id}`);
  let token: string | null = null;
  const minted: string[] = [];
  const mint = async () => {
    token = await mintRepoToken({ appClient: params.appClient, installationId: job.installationId, repoName: splitRepo(job.repo).repo });
    minted.push(token);
    return token;
  };
  const secrets = () => [...minted, config.webhookSecret].filter(Boolean);
  const check = async (conclusion: "success" | "failure" | "neutral" | "cancelled", title: string, summary: string, text?: string) => {
    if (job.checkRunId === null) return;
    await completeCheckRun({ client, repo: job.repo, checkRunId: job.checkRunId, conclusion, output: { title, summary, text }, completedAt: deps.now(), secrets: secrets() }).catch(
      (error: unknown) => log.warn({ job: job.id, err: String(error) }, "could not complete the check run"),
    );
  };
  const comment = (body: string) => postComment({ client, repo: job.repo, number: job.number, body, secrets: secrets() });
  const fail = async (what: string, hint: string): Promise<ExecuteResult> => {
    await comment(errorMessage({ what, hint }));
    await check("failure", "local-agent could not finish", `${what}\n\n**What you can do:** ${hint}`);
    return { status: "failed", outcome: "failed", error: what };
  };

  try {
    const context = await loadJobContext({ client, job, config });
    if (!context.ok) return await fail("`.github/local-agent.yml` on the default branch is not valid", "Fix it (see the earlier comment), then comment `/fix`.");
    const repoConfig = context.repoConfig;
    if (job.checkRunId !== null) {
      await markCheckRunInProgress({ client, repo: job.repo, checkRunId: job.checkRunId, startedAt: started, output: { title: "Running", summary: `Working on #${job.number} with \`${repoConfig.model ?? config.model}\`.` } });
    }

    // The task: the issue (or the pull request) plus the `/fix` comment's instructions.
    const pr = context.pr;
    const built = buildTask({
      title: pr?.title ?? meta.title,
      body: pr ? `${pr.body}\n\n${job.instructions ?? ""}` : meta.body,
      labels: meta.labels,
      defaultAllowed: repoConfig.allowed,
      instructions: job.instructions,
    });
    if (!built.ok) {
      await comment(taskRefusedMessage({ message: built.message }));
      await check("failure", "Task refused", built.message.split("\n")[0] ?? "");
      return { status: "failed", outcome: "refused", error: built.message.split("\n")[0] ?? "task refused" };
    }
    const task = built.task;

    // Check out with a token scoped to this one repository.
    await mint();
    const sameRepoPr = pr !== null && pr.headRepo !== null && pr.headRepo.toLowerCase() === job.repo.toLowerCase();
    const workBranch = sameRepoPr && pr ? pr.headRef : `local-agent/${job.target === "issue" ? "issue" : "pr"}-${job.number}-${job.id}`;
    const plan: CheckoutPlan = pr
      ? sameRepoPr
        ? { cloneUrl: meta.cloneUrl, baseBranch: pr.headRef, workBranch }
        : { cloneUrl: meta.cloneUrl, baseBranch: pr.baseRef, pullNumber: job.number, workBranch }
      : { cloneUrl: meta.cloneUrl, baseBranch: context.defaultBranch, workBranch };
    await fs.rm(workDir, { recursive: true, force: true });
    await prepareCheckout({ plan, dir: workDir, token, env: deps.env, signal });
    const bot = await params.bot();

    const files = (await openGit({ dir: workDir, env: deps.env }).raw(["ls-files"])).split("\n").filter(Boolean);
    const testCommand =
      repoConfig.test === "none" ? null : (repoConfig.test ?? (task.kind === "change" ? await detectTestCommand({ root: workDir, files }) : null));
    if (task.kind === "change" && testCommand === null && repoConfig.test !== "none") {
      return await fail(
        "no test command was found, so a change could not be verified",
        "Add `test: <command>` to `.github/local-agent.yml` on the default branch (e.g. `test: npm test`), or `test: none` to accept unverified changes.",
      );
    }

    const reportBase = path.join(deps.reportsDir, `job-${job.id}`);
    await fs.mkdir(deps.reportsDir, { recursive: true });
    const modelSpec = repoConfig.model ?? config.model;
    const model = deps.createModel({ spec: modelSpec, recordFile: `${reportBase}.transcript.jsonl` });
    const preflight = await preflightModel({ model, signal, log });
    if (!preflight.ok) return await fail(preflight.what, preflight.hint);
    const runner = await deps.createRunner();
    const scaffold = parseScaffoldSpec("all");
    if (!scaffold.ok) throw new Error(scaffold.message);
    let checkpoints = 0;
    const { report } = await runLocalTask({
      repoDir: workDir,
      task,
      model,
      testCommand,
      setupCommand: repoConfig.setup ?? null,
      runner,
      layers: scaffold.layers,
      limits: {
        maxTurns: repoConfig.max_turns ?? config.maxTurns,
        wallClockMs: (repoConfig.timeout_minutes ?? config.timeoutMinutes) * 60_000,
        ...(repoConfig.context_budget ? { contextBudget: repoConfig.context_budget } : {}),
      },
      testTimeoutMs: config.testTimeoutMinutes * 60_000,
      env: deps.env,
      signal,
      onTurn: (turn) => log.debug({ job: job.id, turn: turn.n, tool: turn.tool, interventions: turn.interventions }, "turn"),
      onGreen: async (written) => {
        // A run that later hits a limit still leaves reviewable, green work behind.
        const sha = await commitPaths({ dir: workDir, paths: written, message: `local-agent: checkpoint, tests pass (#${job.number})`, author: bot, env: deps.env });
        if (sha) checkpoints++;
      },
    });
    await fs.writeFile(`${reportBase}.json`, `${JSON.stringify(report, null, 2)}\n`);
    await recordJobRun({ deps, job, report, transcriptFile: `${reportBase}.transcript.jsonl`, workDir, diffBase: plan.baseBranch === workBranch ? context.headSha : `origin/${plan.baseBranch}`, branch: workBranch, log });

    if (report.outcome === "cancelled") {
      if (jobAbortKind(signal) === "shutdown") return { status: "cancelled", outcome: "shutdown", report };
      await comment(cancelledMessage({ by: null }));
      await check("cancelled", "Cancelled", "The run was cancelled; nothing was pushed.", renderMarkdown(report, { include: "turns" }));
      return { status: "cancelled", outcome: "cancelled", report };
    }
    if (task.kind === "question") {
      if (report.outcome === "answered") {
        await comment(answerMessage({ report }));
        await check("success", "Answered", renderMarkdown(report, { include: "summary" }), renderMarkdown(report, { include: "turns" }));
        return { status: "done", outcome: "answered", report };
      }
      await comment(resultMessage({ report, headline: `local-agent could not answer this: ${report.exit_reason}.`, hint: hintForReport(report) }));
      await check("failure", "No answer", renderMarkdown(report, { include: "summary" }), renderMarkdown(report, { include: "turns" }));
      return { status: "failed", outcome: report.outcome, report };
    }

    const finalSha = await commitPaths({
      dir: workDir,
      paths: report.files_changed,
      message: `${report.outcome === "completed" ? "Fix" : "WIP"} #${job.number}: ${task.title}`.slice(0, 200),
      author: bot,
      env: deps.env,
    });
    if (finalSha === null && checkpoints === 0) {
      const headline = `local-agent did not change anything: ${report.exit_reason}.`;
      await comment(resultMessage({ report, headline, hint: hintForReport(report) }));
      await check("failure", "No change", `${headline}\n\n${renderMarkdown(report, { include: "summary" })}`, renderMarkdown(report, { include: "turns" }));
      return { status: "failed", outcome: report.outcome, report };
    }

    // Before anything leaves this machine: is the request still standing, by someone still allowed?
    if (signal.aborted) return { status: "cancelled", outcome: jobAbortKind(signal) ?? "cancelled", report };
    const still = await authorizeActor({ client, ...splitRepo(job.repo), login: job.actor });
    if (!still.allowed) return await fail(`nothing was pushed: ${still.reason}`, "Ask a maintainer to comment `/fix`.");
    await mint();
    await pushBranch({
      dir: workDir,
      branch: workBranch,
      defaultBranch: context.defaultBranch,
      ...(sameRepoPr && pr ? { pullRequestBranch: pr.headRef } : {}),
      token,
      env: deps.env,
      signal,
    });
    const diff = await diffStat(workDir, plan.baseBranch === workBranch ? context.headSha : `origin/${plan.baseBranch}`, deps.env);
    const draftReason = report.outcome === "completed" ? null : `${report.exit_reason}. Review carefully; the tests ${report.totals.tests_after?.passed ? "pass" : "do not pass"}.`;
    if (sameRepoPr) {
      const headline = `local-agent pushed ${checkpoints + (finalSha ? 1 : 0)} commit(s) to \`${workBranch}\`: ${report.outcome === "completed" ? "done, the tests pass" : report.exit_reason}.`;
      await comment(resultMessage({ report, headline, hint: hintForReport(report) }));
    } else {
      const opened = await openPullRequest({
        client,
        repo: job.repo,
        title: pr ? `local-agent: ${task.title}` : task.title,
        head: workBranch,
        base: pr ? pr.baseRef : context.defaultBranch,
        body: renderPullRequestBody({ report, issueNumber: pr ? null : job.number, diff, actor: job.actor, via: job.trigger, draftReason, runUrl: jobPageUrl(config.publicUrl, job.id) }),
        draft: report.outcome !== "completed",
        secrets: secrets(),
      });
      if (pr) await comment(resultMessage({ report, headline: `local-agent opened #${opened.number} with its changes to this pull request (it cannot push to a fork).`, hint: hintForReport(report) }));
      log.info({ job: job.id, pr: opened.number, draft: report.outcome !== "completed" }, "pull request opened");
    }
    await check(
      report.outcome === "completed" ? "success" : "failure",
      report.outcome === "completed" ? "Done: tests pass" : `Not done: ${report.exit_reason}`.slice(0, 120),
      renderMarkdown(report, { include: "summary" }),
      renderMarkdown(report, { include: "turns" }),
    );
    return { status: report.outcome === "completed" ? "done" : "failed", outcome: report.outcome, report };
  } catch (error) {
    if (signal.aborted && jobAbortKind(signal) === "shutdown") throw error;
    if (signal.aborted) {
      await comment(cancelledMessage({ by: null })).catch(() => undefined);
      await check("cancelled", "Cancelled", "The run was cancelled; nothing was pushed.");
      return { status: "cancelled", outcome: "cancelled" };
    }
    const what = error instanceof ModelError ? error.describe() : error instanceof Error ? error.message : String(error);
    log.error({ job: job.id, err: what }, "job failed");
    const hint =
      error instanceof ModelError
        ? error.code === "model_not_found"
          ? "Pull the model on the model server, or change LOCAL_AGENT_MODEL."
          : "Check that the model server runs on the app's host and is reachable at the configured address, then comment `/fix`."
        : /push|rejected|non-fast-forward/i.test(what)
          ? "The branch changed while the agent worked. Comment `/fix` to start again from the new state."
          : "Check the app's log for details, then comment `/fix` to try again.";
    return await fail(what, hint);
  } finally {
    await fs.rm(workDir, { recursive: true, force: true }).catch(() => undefined);
    for (const used of minted) {
      await revokeToken({ token: used, fetch: deps.fetch }).catch((error: unknown) => log.warn({ job: job.id, err: String(error) }, "could not revoke a job token"));
    }
  }
}

async function diffStat(dir: string, base: string, env: NodeJS.ProcessEnv): Promise<DiffStat[]> {
  const out = await openGit({ dir, env })
    .raw(["diff", "--numstat", `${base}...HEAD`])
    .catch(() => "");
  return out
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [added = "0", removed = "0", ...file] = line.split("\t");
      return { path: file.join("\t"), added: Number(added) || 0, removed: Number(removed) || 0 };
    });
}

export type { Report };
