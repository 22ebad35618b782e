import { inlineCode } from "../../github/render/inline-code.js";
import type { GitHubPart } from "../../github/render/render-for-github.js";
import type { DiffStat } from "../../github/render-pull-request-body.js";
import type { Report } from "../../report/report-schema.js";
import type { JobEnding } from "../job/job-ending.js";
import type { ReviewPlan } from "./plan-review.js";
import { reviewSection } from "./review-section.js";

/**
 * Adds a review iteration's answers to how the job ended: each thread is told what happened to
 * its comment (changed in which commit, untouched, or why nothing was done), the pull request's
 * body gains a section for the iteration, and the check run names the review. A pushed
 * iteration needs no extra top-level comment: the threads and the body say it.
 */
export function answerReview(params: {
  ending: JobEnding;
  plan: ReviewPlan;
  number: number;
  pushed: { head: string; diff: DiffStat[]; report: Report | null } | null;
}): JobEnding {
  const { ending, plan, pushed } = params;
  const why = ending.result.error ?? ending.check.title;
  const sha = pushed ? pushed.head.slice(0, 12) : null;
  const changed = new Map((pushed?.diff ?? []).map((d) => [d.path, d]));
  const tests =
    ending.result.outcome === "completed"
      ? "the tests pass"
      : `the run ended ${ending.result.outcome ?? "early"}, so review it carefully`;
  const replies = plan.used.map((comment) => {
    // GitHub takes replies on a thread's first comment only; a reply in an old thread answers that thread.
    const commentId = comment.inReplyTo ?? comment.id;
    const file = inlineCode(comment.path);
    const stat = changed.get(comment.path);
    if (sha && stat)
      return {
        commentId,
        parts: [
          { own: `Addressed in ${sha}: local-agent changed ${file} (+${stat.added} −${stat.removed}); ${tests}.` },
        ],
      };
    if (sha)
      return {
        commentId,
        parts: [
          {
            own: `Not changed: the commits local-agent pushed (up to ${sha}) do not touch ${file}; see this iteration in the pull request's description.`,
          },
        ],
      };
    return { commentId, parts: notAddressed(why) };
  });
  for (const left of plan.excluded.filter((e) => e.reply))
    replies.push({
      commentId: left.comment.inReplyTo ?? left.comment.id,
      parts: [{ own: "Not addressed: " }, { markdown: left.reason, max: 1_000 }, { own: "." }],
    });
  const section = reviewSection({ plan, sha, changed, tests, why, report: pushed?.report ?? null });
  return {
    ...ending,
    comment: pushed ? null : ending.comment,
    check: {
      ...ending.check,
      summary: [
        { own: `Review iteration for the review by ${plan.review.reviewer.login}.\n\n` },
        ...ending.check.summary,
      ],
    },
    review: { number: params.number, reviewer: plan.review.reviewer.login, replies, section },
  };
}

function notAddressed(why: string): GitHubPart[] {
  return [
    { own: "Not addressed: " },
    { untrusted: why, style: "inline", max: 600 },
    { own: ". See the check run for the report." },
  ];
}
