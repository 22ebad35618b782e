/**
 * A failed GitHub request in one line for the log and the job's wait: which request, and what
 * came back (`POST /repos/o/r/check-runs answered 502: Bad Gateway`, or the socket error).
 */
export function describeGitHubFailure(error: unknown): string {
  if (typeof error !== "object" || error === null) return String(error);
  const request = "request" in error ? (error.request as { method?: string; url?: string } | undefined) : undefined;
  const where = request?.method && request.url ? `${request.method} ${pathOf(request.url)}` : "a GitHub request";
  const status = "status" in error && typeof error.status === "number" ? error.status : null;
  const message = error instanceof Error ? error.message : String(error);
  const code = socketCode(error);
  if (code || (status === 500 && "cause" in error)) return `${where} failed: ${code ?? message}`;
  return status === null ? `${where} failed: ${message}` : `${where} answered ${status}: ${message}`.slice(0, 300);
}

/** The socket error code (ECONNRESET…) somewhere down the cause chain (Octokit → fetch → socket). */
function socketCode(error: unknown): string | null {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if ("code" in current && typeof current.code === "string" && /^E[A-Z_]+$/.test(current.code)) return current.code;
  }
  return null;
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}
