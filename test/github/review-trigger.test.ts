import { describe, expect, it } from "vitest";
import { parseReviewTrigger, type ReviewPayload } from "../../src/github/review/parse-review-trigger.js";
import { examplePayload } from "../helpers/app-harness.js";

const bot = { login: "local-agent[bot]", id: 555, type: "Bot" };
const alice = { login: "alice", id: 1, type: "User" };

/** A real `pull_request_review.submitted` example, on the app's own pull request unless `pr` says otherwise. */
function payload(review: Record<string, unknown>, pr: Record<string, unknown> = {}): ReviewPayload {
  return examplePayload("pull_request_review", "submitted", {
    review: { id: 1, body: "", state: "commented", submitted_at: "2026-12-02T10:00:00Z", user: alice, ...review },
    pull_request: { number: 7, user: bot, head: { ref: "local-agent/issue-3-9", repo: { full_name: "o/r" } }, ...pr },
    sender: alice,
  }) as ReviewPayload;
}

const human = { user: alice, head: { ref: "feature/x", repo: { full_name: "o/r" } } };

describe("which reviews start a review iteration", () => {
  it("changes requested or commented on the app's pull request", () => {
    expect(parseReviewTrigger(payload({ state: "changes_requested" }))).toMatchObject({
      kind: "run",
      number: 7,
      actor: { login: "alice" },
      review: { byFix: false, prAuthor: "local-agent[bot]", headRef: "local-agent/issue-3-9" },
    });
    expect(parseReviewTrigger(payload({ state: "commented" })).kind).toBe("run");
  });

  it("an approval, a dismissal, a bot's review and a human's pull request start nothing", () => {
    expect(parseReviewTrigger(payload({ state: "approved", body: "LGTM" })).kind).toBe("ignore");
    expect(parseReviewTrigger({ ...payload({}), action: "dismissed" }).kind).toBe("ignore");
    expect(
      parseReviewTrigger({
        ...payload({ user: { login: "ci[bot]", id: 2, type: "Bot" } }),
        sender: { login: "ci[bot]", type: "Bot" },
      }).kind,
    ).toBe("ignore");
    expect(parseReviewTrigger(payload({ state: "changes_requested" }, human)).kind).toBe("ignore");
    // A bot's pull request that is not on a local-agent/ branch is another app's.
    expect(
      parseReviewTrigger(
        payload({}, { user: { login: "dependabot[bot]", type: "Bot" }, head: { ref: "dependabot/npm/x" } }),
      ).kind,
    ).toBe("ignore");
  });

  it("`/fix` as the review body's first line works on any pull request, approvals too; quoted, indented or /fixit does not", () => {
    expect(parseReviewTrigger(payload({ state: "approved", body: "/fix keep the API" }, human))).toMatchObject({
      kind: "run",
      review: { byFix: true },
    });
    expect(parseReviewTrigger(payload({ body: "\n\n/fix\nmore" }, human))).toMatchObject({
      kind: "run",
      review: { byFix: true },
    });
    for (const body of ["> /fix", "    /fix", "/fixit", "please /fix", "\u00a0/fix"])
      expect(parseReviewTrigger(payload({ body }, human)).kind).toBe("ignore");
  });
});
