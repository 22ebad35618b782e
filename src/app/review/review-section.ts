import { inlineCode } from "../../github/render/inline-code.js";
import type { GitHubPart } from "../../github/render/render-for-github.js";
import { type DiffStat, MAX_SUMMARY, testText } from "../../github/render-pull-request-body.js";
import type { Report } from "../../report/report-schema.js";
import type { ReviewPlan } from "./plan-review.js";

/**
 * The pull request body's section for one review iteration: what was pushed (or why nothing
 * was), the tests before and after, the model's summary (capped, escaped, inert), and what
 * happened to each comment. The details stay in the check run and the threads.
 */
export function reviewSection(params: {
  plan: ReviewPlan;
  sha: string | null;
  changed: ReadonlyMap<string, DiffStat>;
  tests: string;
  why: string;
  report: Report | null;
}): GitHubPart[] {
  const { plan, sha, changed, report } = params;
  const answered = plan.excluded.filter((e) => e.reply);
  const list = [
    ...plan.used.map((c) => `- ${inlineCode(c.path)}: ${changed.has(c.path) ? "changed" : "not changed"}`),
    ...answered.map((e) => `- ${inlineCode(e.comment.path)}: not addressed`),
  ];
  const heading = `\n\n### Review iteration: the review by ${plan.review.reviewer.login} (${plan.used.length + answered.length} comment(s))\n`;
  const parts: GitHubPart[] = [{ own: heading }];
  if (sha) parts.push({ own: `local-agent pushed up to ${sha}; ${params.tests}.` });
  else parts.push({ own: "Nothing was pushed: " }, { untrusted: params.why, style: "inline", max: 600 }, { own: "." });
  if (report) {
    const t = report.totals;
    parts.push({ own: `\nTests: ${testText(t.tests_before)} before → ${testText(t.tests_after)} after.` });
    if (report.summary)
      parts.push({ own: "\n\n" }, { untrusted: report.summary, style: "quote", max: Math.min(MAX_SUMMARY, 2_000) });
  }
  parts.push(
    { own: "\n\n" },
    { markdown: list.join("\n") || "- no comments", max: 6_000, note: "every thread has its own reply" },
  );
  return parts;
}
