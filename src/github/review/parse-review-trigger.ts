import type { FrozenReview } from "./frozen-review.js";

interface User {
  login?: string;
  id?: number;
  type?: string;
}

/** The fields of a `pull_request_review` payload the app reads. */
export interface ReviewPayload {
  action?: string;
  sender?: User;
  review?: { id?: number; body?: string | null; state?: string; submitted_at?: string | null; user?: User | null };
  pull_request?: {
    number?: number;
    title?: string;
    body?: string | null;
    labels?: { name?: string }[];
    user?: User | null;
    head?: { ref?: string; repo?: { full_name?: string } | null };
    html_url?: string;
  };
}

export type ReviewTrigger =
  | { kind: "run"; number: number; actor: { login: string; id: number }; review: FrozenReview }
  | { kind: "ignore"; reason: string };

/** The review states that ask for work; an approval asks for none unless its body is a `/fix`. */
const ASKING = new Set(["changes_requested", "commented"]);

/** `/fix` as the first non-blank line of the review body, at column 0, as a whole word (as for comments). */
const FIX = /^\/fix(?:[ \t][^\n]*)?$/;

/**
 * Reads a `pull_request_review.submitted` payload, from the payload alone: a review by a human
 * that requests changes or comments on a pull request the app's bot opened (a `local-agent/…`
 * branch by a bot; the exact login is checked at intake), or any review whose body starts with
 * `/fix`. Dismissals, edits, bots' reviews and approvals without `/fix` are ignored.
 */
export function parseReviewTrigger(payload: ReviewPayload): ReviewTrigger {
  if (payload.action !== "submitted")
    return { kind: "ignore", reason: `pull_request_review.${payload.action ?? "?"} is not a trigger` };
  const review = payload.review ?? {};
  const pr = payload.pull_request ?? {};
  const sender = payload.sender ?? {};
  const reviewer = review.user ?? sender;
  if (isBot(sender) || isBot(reviewer))
    return { kind: "ignore", reason: `the reviewer ${reviewer.login ?? "?"} is a bot` };
  if (typeof review.id !== "number" || typeof pr.number !== "number")
    return { kind: "ignore", reason: "the payload has no review or pull request number" };
  if (!reviewer.login) return { kind: "ignore", reason: "the payload has no reviewer" };
  const body = (review.body ?? "").replace(/\r\n?/g, "\n");
  const firstLine = body.split("\n").find((line) => !/^[ \t]*$/.test(line)) ?? "";
  const byFix = FIX.test(firstLine.replace(/[ \t]+$/, ""));
  const state = (review.state ?? "").toLowerCase();
  if (!byFix && !ASKING.has(state))
    return { kind: "ignore", reason: `a review in state ${state || "?"} asks for no change` };
  const headRef = pr.head?.ref ?? "";
  const author = pr.user ?? {};
  if (!byFix && !(isBot(author) && headRef.startsWith("local-agent/"))) {
    return {
      kind: "ignore",
      reason: `pull request #${pr.number} was not opened by local-agent (author ${author.login ?? "?"}, branch ${headRef || "?"})`,
    };
  }
  const actor = { login: reviewer.login, id: reviewer.id ?? 0 };
  return {
    kind: "run",
    number: pr.number,
    actor,
    review: {
      id: review.id,
      body,
      state,
      submittedAt: review.submitted_at ?? "",
      reviewer: actor,
      byFix,
      prAuthor: author.login ?? "",
      headRef,
    },
  };
}

function isBot(user: User): boolean {
  return user.type === "Bot" || (user.login ?? "").endsWith("[bot]");
}
