import type { ReviewCommentFields } from "../review/review-comment-snapshot.js";
import { type GitHubClient, splitRepo } from "./github-client.js";

/** A review comment as the REST API lists it now (its text may have been edited since the review). */
export type ListedReviewComment = ReviewCommentFields & { updated_at?: string };

const PAGE = 100;

/**
 * Every comment of one review, page by page (by route, not Octokit's `paginate`, which follows
 * `Link` URLs and loses the route): which comments belong to it, on which file and lines.
 */
export async function listReviewComments(params: {
  client: GitHubClient;
  repo: string;
  number: number;
  reviewId: number;
}): Promise<ListedReviewComment[]> {
  const all: ListedReviewComment[] = [];
  for (let page = 1; ; page++) {
    const { data } = await params.client.request(
      "GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}/comments",
      {
        ...splitRepo(params.repo),
        pull_number: params.number,
        review_id: params.reviewId,
        per_page: PAGE,
        page,
      },
    );
    all.push(...(data as ListedReviewComment[]));
    if (data.length < PAGE) return all;
  }
}
