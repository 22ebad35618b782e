import fs from "node:fs/promises";
import tmp from "tmp-promise";
import { detectTestCommand } from "../../task/detect-test-command.js";
import { openGit } from "../../workspace/git/open-git.js";
import { prepareCheckout } from "../../workspace/git/prepare-checkout.js";
import type { JobEnding } from "./job-ending.js";
import { failedEnding } from "./job-endings.js";
import type { JobRun } from "./job-run.js";
import type { JobPlan } from "./plan-job.js";
import { workBase } from "./work-base.js";

/**
 * The job's workspace folder: `job-<id>-XXXXXX` under the workspaces folder (tmp-promise picks a
 * fresh name; the `job-<id>` start is what the sweep at start-up recognizes, for leftovers of a
 * killed process). `cleanup` removes it with everything in it.
 */
export async function createJobFolder(run: JobRun): Promise<{ path: string; cleanup: () => Promise<void> }> {
  await fs.mkdir(run.deps.workspacesDir, { recursive: true });
  return tmp.dir({ tmpdir: run.deps.workspacesDir, template: `job-${run.job.id}-XXXXXX`, unsafeCleanup: true });
}

/**
 * Stage 2, checkout: a partial clone into the job's folder with a token scoped to this
 * repository (it reaches git only through the credential helper's environment), and the test
 * command (the repo config's, or detected).
 */
export async function checkoutJob(run: JobRun, plan: JobPlan, dir: string): Promise<{ ok: true; testCommand: string | null; alreadyChanged: string[] } | { ok: false; ending: JobEnding }> {
  const { deps } = run;
  const prepared = await prepareCheckout({ plan: plan.checkout, dir, token: await run.mint(), env: deps.env, signal: run.signal });
  if (prepared.resumed) {
    // Resume only from the app's own checkpoints: commits by anyone else on the job's branch would
    // reach the pull request under the bot's name.
    const bot = await run.bot();
    const authors = (await openGit({ dir, env: deps.env }).raw(["log", "--format=%ae", `${workBase(plan)}..HEAD`])).split("\n").filter(Boolean);
    if (authors.some((email) => email !== bot.email)) {
      return {
        ok: false,
        ending: failedEnding({
          what: `the branch \`${plan.checkout.workBranch}\` already exists with commits local-agent did not make, so this job cannot resume on it`,
          hint: "Delete that branch and ask again (label the issue or comment `/fix`).",
        }),
      };
    }
  }
  // What the resumed branch already changed counts as this job's work (finish is not "too early").
  const alreadyChanged = prepared.resumed ? (await openGit({ dir, env: deps.env }).raw(["diff", "--name-only", `${workBase(plan)}...HEAD`])).split("\n").filter(Boolean) : [];
  if (prepared.resumed) run.log.info({ job: run.job.id, branch: plan.checkout.workBranch, changed: alreadyChanged, head: prepared.headSha }, "resuming from the checkpoints an earlier attempt pushed");
  const { repoConfig } = plan.context;
  const files = (await openGit({ dir, env: deps.env }).raw(["ls-files"])).split("\n").filter(Boolean);
  const testCommand = repoConfig.test === "none" ? null : (repoConfig.test ?? (plan.task.kind === "change" ? await detectTestCommand({ root: dir, files }) : null));
  if (plan.task.kind === "change" && testCommand === null && repoConfig.test !== "none") {
    return {
      ok: false,
      ending: failedEnding({
        what: "no test command was found, so a change could not be verified",
        hint: "Add `test: <command>` to `.github/local-agent.yml` on the default branch (e.g. `test: npm test`), or `test: none` to accept unverified changes.",
      }),
    };
  }
  return { ok: true, testCommand, alreadyChanged };
}
