import { splitRepo, type GitHubClient } from "./github-client.js";

/**
 * A file on a given ref: its bytes and the size GitHub reports, or null when it does not exist
 * there. For files over 1 MB the contents API answers `encoding: "none"` with empty content:
 * then `bytes` is null and only `size` is known, so the caller can refuse instead of reading "".
 */
export async function readRepoFile(params: { client: GitHubClient; repo: string; path: string; ref: string }): Promise<{ bytes: Buffer | null; size: number } | null> {
  try {
    const { data } = await params.client.request("GET /repos/{owner}/{repo}/contents/{path}", { ...splitRepo(params.repo), path: params.path, ref: params.ref });
    if (Array.isArray(data) || data.type !== "file" || !("content" in data)) return null;
    const size = typeof data.size === "number" ? data.size : 0;
    if (data.encoding !== "base64") return { bytes: null, size };
    return { bytes: Buffer.from(data.content, "base64"), size };
  } catch (error) {
    if ((error as { status?: number }).status === 404) return null;
    throw error;
  }
}
