import { describeGitHubFailure } from "../../github/api/describe-github-failure.js";
import { ModelError } from "../../model/model-error.js";
import type { JobEnding } from "./job-ending.js";
import { failedEnding } from "./job-endings.js";

/**
 * The ending of a stage that threw: what went wrong in words fit for a comment, and what to do,
 * by kind (the model server, a rejected push, credentials GitHub no longer accepts, GitHub down).
 */
export function errorEnding(error: unknown): JobEnding {
  if (error instanceof ModelError) {
    const hint =
      error.code === "model_not_found"
        ? "Pull the model on the model server, or change LOCAL_AGENT_MODEL."
        : "Check that the model server runs on the app's host and is reachable at the configured address, then comment `/fix`.";
    return failedEnding({ what: error.describe(), hint });
  }
  const status = typeof error === "object" && error !== null && "status" in error && typeof error.status === "number" ? error.status : null;
  const what = status !== null ? describeGitHubFailure(error) : error instanceof Error ? error.message : String(error);
  if (/push|rejected|non-fast-forward/i.test(what) && status === null) {
    return failedEnding({ what, hint: "The branch changed while the agent worked. Comment `/fix` to start again from the new state." });
  }
  if (status === 401 || status === 403 || status === 404 || /Authentication failed|could not read Username|403|401/i.test(what)) {
    return failedEnding({
      what: `GitHub no longer accepts the app's credentials for this repository (${what})`,
      hint: "Check that the app is still installed on this repository with contents, pull requests, issues and checks write permission, then comment `/fix`.",
    });
  }
  if (status !== null && (status >= 500 || status === 429)) {
    return failedEnding({ what, hint: "GitHub did not answer; nothing is lost on this side. Comment `/fix` once GitHub works again." });
  }
  return failedEnding({ what, hint: "Check the app's log for details, then comment `/fix` to try again." });
}
