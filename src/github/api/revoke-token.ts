import { Octokit } from "@octokit/rest";

/** Revokes an installation token (`DELETE /installation/token`, authenticated by the token itself). */
export async function revokeToken(params: { token: string; baseUrl?: string; fetch?: typeof fetch }): Promise<void> {
  const client = new Octokit({
    auth: params.token,
    ...(params.baseUrl ? { baseUrl: params.baseUrl } : {}),
    request: { fetch: params.fetch ?? globalThis.fetch },
    // Failures reach the caller as a rejected promise (and its log); Octokit must not print.
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  await client.request("DELETE /installation/token");
}
