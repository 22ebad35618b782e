import { isTransientGitHubFailure } from "./api/github-failure.js";

/** The subset of Octokit this needs, so tests and callers can pass any authenticated client. */
export interface PermissionClient {
  request(
    route: "GET /repos/{owner}/{repo}/collaborators/{username}/permission",
    params: { owner: string; repo: string; username: string },
  ): Promise<{ data: { permission: string; role_name?: string } }>;
}

export type Authorization = { allowed: true; permission: string } | { allowed: false; permission: string | null; reason: string };

const WRITE_ROLES = new Set(["admin", "maintain", "write"]);

/**
 * Only collaborators with write access (admin, maintain, write) may start or cancel runs. Asked
 * of the collaborator permission API for the actual actor (labeler or commenter), never read off
 * `author_association`, and failing closed: any answer other than a write role means no. When
 * GitHub could not be asked (5xx, 429, a rate limit, no connection) the error is thrown instead,
 * so the caller retries later rather than refusing someone who is allowed.
 */
export async function authorizeActor(params: { client: PermissionClient; owner: string; repo: string; login: string }): Promise<Authorization> {
  try {
    const { data } = await params.client.request("GET /repos/{owner}/{repo}/collaborators/{username}/permission", {
      owner: params.owner,
      repo: params.repo,
      username: params.login,
    });
    // role_name distinguishes maintain (reported as "write" in `permission`) and custom roles.
    const role = data.role_name ?? data.permission;
    if (WRITE_ROLES.has(role) || WRITE_ROLES.has(data.permission)) return { allowed: true, permission: role };
    return { allowed: false, permission: role, reason: `@${params.login} has ${role} access; write access is required` };
  } catch (error) {
    if (isTransientGitHubFailure(error)) throw error;
    const status = (error as { status?: number }).status;
    const reason =
      status === 404
        ? `@${params.login} is not a collaborator on this repository`
        : `the permission check for @${params.login} failed (${status ?? (error instanceof Error ? error.message : String(error))})`;
    return { allowed: false, permission: null, reason };
  }
}
