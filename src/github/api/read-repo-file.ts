import { splitRepo, type GitHubClient } from "./github-client.js";

/** A file's text on a given ref, or null when it does not exist there. */
export async function readRepoFile(params: { client: GitHubClient; repo: string; path: string; ref: string }): Promise<string | null> {
  try {
    const { data } = await params.client.request("GET /repos/{owner}/{repo}/contents/{path}", { ...splitRepo(params.repo), path: params.path, ref: params.ref });
    if (Array.isArray(data) || data.type !== "file" || !("content" in data)) return null;
    return Buffer.from(data.content, "base64").toString("utf8");
  } catch (error) {
    if ((error as { status?: number }).status === 404) return null;
    throw error;
  }
}
