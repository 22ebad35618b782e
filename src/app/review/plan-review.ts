import type { GitHubClient } from "../../github/api/github-client.js";
import { listPullRequestFiles } from "../../github/api/list-pull-request-files.js";
import { readFrozenTaskText } from "../../github/frozen-task-text.js";
import type { FrozenReview } from "../../github/review/frozen-review.js";
import type { ReviewCommentSnapshot } from "../../github/review/review-comment-snapshot.js";
import type { Job } from "../../jobs/job-schema.js";
import type { JobStore } from "../../jobs/open-job-store.js";
import { createAllowedMatcher, validateAllowedPattern } from "../../task/allowed-files.js";
import { buildTask, type Task } from "../../task/build-task.js";
import { collectReviewComments, type ExcludedComment } from "./collect-review-comments.js";
import { formatReviewTask } from "./format-review-task.js";

/** What a review iteration works on and what it leaves out (each left-out comment is answered in its thread). */
export type ReviewPlan = {
  review: FrozenReview;
  used: ReviewCommentSnapshot[];
  excluded: ExcludedComment[];
  allowed: string[];
};

/**
 * The task of a review iteration: the pull request's title at review time, the review and its
 * comments as submitted. The files it may change are the pull request's changed files plus the
 * allowed files of the issue the app's pull request came from (frozen with that job);
 * the review's own text never widens them. A comment on any other file is left out.
 */
export async function planReview(params: {
  client: GitHubClient;
  store: JobStore;
  job: Job;
  review: FrozenReview;
  defaultAllowed: readonly string[] | undefined;
}): Promise<{ ok: true; task: Task; review: ReviewPlan } | { ok: false; message: string }> {
  const { client, job, review } = params;
  const changed = await listPullRequestFiles({ client, repo: job.repo, number: job.number });
  const allowed = [
    ...new Set([
      ...changed,
      ...originalAllowed({ store: params.store, job, review, defaultAllowed: params.defaultAllowed }),
    ]),
  ].filter((entry) => validateAllowedPattern(entry).ok);
  const { used, excluded } = await collectReviewComments({
    client,
    store: params.store,
    repo: job.repo,
    number: job.number,
    review,
  });
  const inScope = createAllowedMatcher(allowed);
  const kept = used.filter((comment) => inScope(comment.path));
  for (const comment of used.filter((c) => !inScope(c.path))) {
    excluded.push({
      comment,
      reply: true,
      reason: `\`${comment.path}\` is not among the files this iteration may change (the pull request's changed files and the issue's allowed files)`,
    });
  }
  const frozen = readFrozenTaskText(job.payload);
  const built = buildTask({
    title: frozen.title,
    body: "Work on this pull request's branch: its review asks for changes.",
    extraAllowed: allowed,
    instructions: formatReviewTask({ review, comments: kept }),
  });
  if (!built.ok) return built;
  // A review asks for changes whatever the pull request's labels say.
  const task: Task = { ...built.task, kind: "change", kindReason: "a review of the pull request" };
  return { ok: true, task, review: { review, used: kept, excluded, allowed } };
}

/** The allowed files of the issue whose job opened this pull request (`local-agent/issue-<n>-<job id>`), as frozen then. */
function originalAllowed(params: {
  store: JobStore;
  job: Job;
  review: FrozenReview;
  defaultAllowed: readonly string[] | undefined;
}): string[] {
  const match = /^local-agent\/issue-(\d+)-(\d+)$/.exec(params.review.headRef);
  if (!match) return [];
  const original = params.store.get(Number(match[2]));
  if (
    !original ||
    original.repo.toLowerCase() !== params.job.repo.toLowerCase() ||
    original.number !== Number(match[1])
  )
    return [];
  const text = readFrozenTaskText(original.payload);
  const built = buildTask({
    title: text.title,
    body: text.body,
    labels: text.labels,
    defaultAllowed: params.defaultAllowed ?? [],
  });
  return built.ok ? built.task.allowed : [];
}
