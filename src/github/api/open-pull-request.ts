import type { GitHubMarkdown } from "../render/render-for-github.js";
import { splitRepo, type GitHubClient } from "./github-client.js";

/**
 * Opens the pull request for a pushed branch, or finds the one already open for it and updates
 * its title and body (publishing is idempotent: a retry after a lost answer, a redelivered job,
 * or a job resumed on another worker after a crash does not open a second; its report is the
 * one that finished).
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
  if (existing) {
    await params.client.request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", { ...where, pull_number: existing.number, title: params.title, body: params.body });
    return { number: existing.number, url: existing.html_url, existed: true };
  }
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
