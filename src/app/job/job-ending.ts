import type { GitHubMarkdown, GitHubPart } from "../../github/render/render-for-github.js";
import type { ReviewAnswers } from "../review/review-answers.js";
import type { ExecuteResult } from "../../jobs/create-job-scheduler.js";

/**
 * How a job ended, as data: what the store records, and what GitHub is told. Every stage returns
 * one of these (or data for the next stage); `publishResult` is the only code that tells GitHub,
 * for every ending alike, so every job ends with its check run completed.
 */
export type JobEnding = {
  /** What the store records (status, outcome, error, report). */
  result: ExecuteResult;
  /** The comment on the issue or pull request, or null for none. */
  comment: GitHubPart[] | null;
  /** How the check run completes. */
  check: { conclusion: "success" | "failure" | "neutral" | "cancelled"; title: string; summary: GitHubPart[]; text?: GitHubPart[] };
  /** A pull request to open (or find) first; the check run then links it. */
  pullRequest?: { title: string; head: string; base: string; draft: boolean; body: (secrets: readonly string[]) => GitHubMarkdown };
  /** A review iteration's answers: a reply in each thread, a section of the pull request's body, the reviewer asked again. */
  review?: ReviewAnswers;
  /** Tell GitHub nothing (a shutdown: the job goes back to the queue and runs again). */
  silent?: boolean;
};
