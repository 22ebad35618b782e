import type { GitHubMarkdown } from "../render/render-for-github.js";
import { splitRepo, type GitHubClient } from "./github-client.js";

/**
 * Opens the pull request for a pushed branch, or finds the one already open for it (publishing
 * is idempotent: a retry after a lost answer, or a redelivered job, does not open a second).
 * The title is a plain line (see `renderPlainLine`); the body comes from the one renderer.
 */
export async function openPullRequest(params: {
  client: GitHubClient;
  repo: string;
  title: string;
  head: string;
  base: string;
  body: GitHubMarkdown;
  draft: boolean;
}): Promise<{ number: number; url: string; existed: boolean }> {
  const where = splitRepo(params.repo);
  const { data: open } = await params.client.request("GET /repos/{owner}/{repo}/pulls", { ...where, head: `${where.owner}:${params.head}`, state: "open", per_page: 1 });
  const existing = open[0];
  if (existing) return { number: existing.number, url: existing.html_url, existed: true };
  const { data } = await params.client.request("POST /repos/{owner}/{repo}/pulls", {
    ...where,
    title: params.title,
    head: params.head,
    base: params.base,
    body: params.body,
    draft: params.draft,
    maintainer_can_modify: true,
  });
  return { number: data.number, url: data.html_url, existed: false };
}
