import type { GitHubClient } from "./github-client.js";

/**
 * The commit identity GitHub shows as the app's bot: `<slug>[bot]` with its noreply address. On
 * Enterprise Server (a base URL other than api.github.com) the noreply domain is
 * `users.noreply.<host>`, so commits link to the bot there too.
 */
export async function getBotIdentity(params: { appClient: GitHubClient; client: GitHubClient }): Promise<{ name: string; email: string; slug: string }> {
  // `/app` needs the app's JWT; any other route needs an installation token.
  const { data: app } = await params.appClient.request("GET /app");
  const slug = app?.slug ?? "local-agent";
  const login = `${slug}[bot]`;
  const { data: user } = await params.client.request("GET /users/{username}", { username: login });
  const apiHost = new URL(params.client.request.endpoint.DEFAULTS.baseUrl).hostname;
  const host = apiHost === "api.github.com" ? "github.com" : apiHost;
  return { name: login, email: `${user.id}+${login}@users.noreply.${host}`, slug };
}
