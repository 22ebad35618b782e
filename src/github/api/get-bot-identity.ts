import type { GitHubClient } from "./github-client.js";

/** The commit identity GitHub shows as the app's bot: `<slug>[bot]` with its noreply address. */
export async function getBotIdentity(params: { appClient: GitHubClient; client: GitHubClient }): Promise<{ name: string; email: string; slug: string }> {
  // `/app` needs the app's JWT; any other route needs an installation token.
  const { data: app } = await params.appClient.request("GET /app");
  const slug = app?.slug ?? "local-agent";
  const login = `${slug}[bot]`;
  const { data: user } = await params.client.request("GET /users/{username}", { username: login });
  return { name: login, email: `${user.id}+${login}@users.noreply.github.com`, slug };
}
