import { Octokit } from "@octokit/rest";

/** Revokes an installation token (`DELETE /installation/token`, authenticated by the token itself). */
export async function revokeToken(params: { token: string; baseUrl?: string; fetch?: typeof fetch }): Promise<void> {
  const client = new Octokit({
    auth: params.token,
    ...(params.baseUrl ? { baseUrl: params.baseUrl } : {}),
    request: { fetch: params.fetch ?? globalThis.fetch },
  });
  await client.request("DELETE /installation/token");
}
