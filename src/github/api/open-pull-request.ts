import { redactSecrets } from "../redact-secrets.js";
import { splitRepo, type GitHubClient } from "./github-client.js";

export async function openPullRequest(params: {
  client: GitHubClient;
  repo: string;
  title: string;
  head: string;
  base: string;
  body: string;
  draft: boolean;
  secrets?: readonly string[];
}): Promise<{ number: number; url: string }> {
  const { data } = await params.client.request("POST /repos/{owner}/{repo}/pulls", {
    ...splitRepo(params.repo),
    title: params.title.slice(0, 250),
    head: params.head,
    base: params.base,
    body: redactSecrets(params.body, params.secrets),
    draft: params.draft,
    maintainer_can_modify: true,
  });
  return { number: data.number, url: data.html_url };
}
