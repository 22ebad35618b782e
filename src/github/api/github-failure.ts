/**
 * Whether a failed GitHub request is worth trying again later: GitHub answered 5xx or 429, a
 * rate limit (403 with no requests left, or a secondary rate limit), or it could not be reached
 * at all (Octokit reports connection errors as status 500 with the socket error as the cause).
 * Anything else (401, 403, 404, 410, 422) is an answer, and trying again would not change it.
 */
export function isTransientGitHubFailure(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const status = "status" in error && typeof error.status === "number" ? error.status : null;
  if (status === null) return "cause" in error || /ECONNRESET|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|socket|fetch failed/i.test(String((error as Error).message));
  if (status >= 500 || status === 429) return true;
  if (status === 403) {
    const headers = "response" in error ? (error.response as { headers?: Record<string, string | undefined> } | undefined)?.headers : undefined;
    return headers?.["x-ratelimit-remaining"] === "0" || /rate limit/i.test(String((error as Error).message));
  }
  return false;
}
