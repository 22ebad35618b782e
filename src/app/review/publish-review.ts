import { describeGitHubFailure } from "../../github/api/describe-github-failure.js";
import { getPullRequestBody } from "../../github/api/get-pull-request-body.js";
import type { GitHubClient } from "../../github/api/github-client.js";
import { replyToReviewComment } from "../../github/api/reply-to-review-comment.js";
import { requestReviewers } from "../../github/api/request-reviewers.js";
import { updatePullRequestBody } from "../../github/api/update-pull-request-body.js";
import { GITHUB_BODY_LIMIT, renderForGitHub } from "../../github/render/render-for-github.js";
import type { JobLogger } from "../../jobs/job-schema.js";
import type { ReviewAnswers } from "./review-answers.js";

/** Room kept for the iteration's own section: the old body is what gets cut when the body is full. */
const SECTION_LIMIT = 8_000;

/**
 * Publishes a review iteration's answers: a reply in every thread, the iteration's section at
 * the end of the pull request's body, and the reviewer asked to review again. Each step runs
 * through `step` (retried while GitHub is unavailable); one that fails for good is logged and
 * the next still runs.
 */
export async function publishReview(params: {
  answers: ReviewAnswers;
  client: GitHubClient;
  repo: string;
  secrets: readonly string[];
  log: JobLogger;
  step: <T>(what: string, call: () => Promise<T>) => Promise<T>;
}): Promise<void> {
  const { answers, client, repo, secrets, log, step } = params;
  const number = answers.number;
  const warn = (what: string) => (error: unknown) =>
    log.warn({ repo, number, err: describeGitHubFailure(error) }, `could not ${what}`);
  for (const reply of answers.replies) {
    const body = renderForGitHub({ parts: reply.parts, secrets });
    await step("reply in a review thread", () =>
      replyToReviewComment({ client, repo, number, commentId: reply.commentId, body }),
    ).catch(warn("reply in a review thread"));
  }
  await step("append the iteration to the pull request", async () => {
    const current = await getPullRequestBody({ client, repo, number });
    // The app's own closing reference leads its body; everything else in it stays inert.
    const lead = /^Fixes #(\d+)\n\n/.exec(current);
    const rest = lead ? current.slice(lead[0].length) : current;
    const section = renderForGitHub({ parts: answers.section, secrets, limit: SECTION_LIMIT });
    const body = renderForGitHub({
      parts: [{ markdown: rest, note: "earlier sections were cut to fit" }, { own: section }],
      secrets,
      closes: lead ? Number(lead[1]) : null,
      limit: GITHUB_BODY_LIMIT,
    });
    await updatePullRequestBody({ client, repo, number, body });
  }).catch(warn("append the iteration to the pull request"));
  await step("ask the reviewer again", () =>
    requestReviewers({ client, repo, number, reviewers: [answers.reviewer] }),
  ).catch(warn("ask the reviewer to review again"));
}
