import { redactSecrets } from "../redact-secrets.js";
import { splitRepo, type GitHubClient } from "./github-client.js";

/** GitHub rejects comment bodies over 65536 characters. */
const MAX_COMMENT = 65_000;

/** Posts an issue or pull request comment, redacted and clipped to GitHub's limit. */
export async function postComment(params: { client: GitHubClient; repo: string; number: number; body: string; secrets?: readonly string[] }): Promise<number> {
  const clean = redactSecrets(params.body, params.secrets);
  const body = clean.length > MAX_COMMENT ? `${clean.slice(0, MAX_COMMENT)}\n\n… (truncated)` : clean;
  const { data } = await params.client.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
    ...splitRepo(params.repo),
    issue_number: params.number,
    body,
  });
  return Number(data.id);
}
