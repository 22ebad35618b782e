import { splitRepo } from "../../github/api/github-client.js";
import { authorizeActor, type PermissionClient } from "../../github/authorize-actor.js";

export type PermissionChecker = (params: { login: string; repo: string; installationId: number | null }) => Promise<boolean>;

/**
 * "May this signed-in user see and cancel this repository's runs": write, maintain or admin, asked
 * of the collaborator permission API with the App's installation token (the same rule that
 * decides who can start a run), failing closed. Answers are cached for a minute so a page with
 * many rows costs one call per repository.
 */
export function createPermissionChecker(params: { client: (installationId: number) => Promise<PermissionClient>; now: () => Date; ttlMs?: number }): PermissionChecker {
  const ttl = params.ttlMs ?? 60_000;
  const cache = new Map<string, { allowed: Promise<boolean>; expires: number }>();
  return ({ login, repo, installationId }) => {
    if (installationId === null) return Promise.resolve(false);
    const key = `${login.toLowerCase()}\n${repo.toLowerCase()}`;
    const now = params.now().getTime();
    const cached = cache.get(key);
    if (cached && cached.expires > now) return cached.allowed;
    const allowed = params
      .client(installationId)
      .then((client) => authorizeActor({ client, ...splitRepo(repo), login }))
      .then((result) => result.allowed, () => false);
    cache.set(key, { allowed, expires: now + ttl });
    return allowed;
  };
}
