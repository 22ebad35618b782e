/** What the fair order needs of a waiting job. */
export type FairCandidate = { id: number; repo: string; installationId: number };

/** When each installation and repository (lower-cased) was last served: the highest claim number of its jobs. */
export type LastServed = { installations: ReadonlyMap<number, number>; repos: ReadonlyMap<string, number> };

/**
 * The order in which waiting jobs start: installations take turns, then the repositories within
 * an installation, then jobs in arrival order. "Takes turns" means least recently served first
 * (never served counts as longest ago; ties go to the oldest waiting job), and each start counts
 * as a serve, so a repository that queued 100 jobs gets one start per round, not 100 in a row.
 * The claim and the queue position shown on GitHub both read this one order.
 */
export function fairOrder<T extends FairCandidate>(params: { candidates: readonly T[]; lastServed: LastServed }): T[] {
  const installations = new Map<number, Map<string, T[]>>();
  for (const job of [...params.candidates].sort((a, b) => a.id - b.id)) {
    const repos = installations.get(job.installationId) ?? new Map<string, T[]>();
    installations.set(job.installationId, repos);
    const key = job.repo.toLowerCase();
    repos.set(key, [...(repos.get(key) ?? []), job]);
  }
  const servedInstallation = new Map(params.lastServed.installations);
  const servedRepo = new Map(params.lastServed.repos);
  let turn = Math.max(0, ...servedInstallation.values(), ...servedRepo.values());
  const order: T[] = [];
  const oldest = (jobs: readonly FairCandidate[]) => jobs[0]?.id ?? Infinity;
  while (installations.size > 0) {
    const [installationId, repos] = pick([...installations], ([id, repos]) => [servedInstallation.get(id) ?? -1, Math.min(...[...repos.values()].map(oldest))]);
    const [repo, jobs] = pick([...repos], ([key, jobs]) => [servedRepo.get(key) ?? -1, oldest(jobs)]);
    const job = jobs.shift();
    if (job) order.push(job);
    turn++;
    servedInstallation.set(installationId, turn);
    servedRepo.set(repo, turn);
    if (jobs.length === 0) repos.delete(repo);
    if (repos.size === 0) installations.delete(installationId);
  }
  return order;
}

/** The entry with the smallest [primary, secondary] key. */
function pick<T>(entries: readonly T[], key: (entry: T) => [number, number]): T {
  let best = entries[0] as T;
  let bestKey = key(best);
  for (const entry of entries.slice(1)) {
    const candidate = key(entry);
    if (candidate[0] < bestKey[0] || (candidate[0] === bestKey[0] && candidate[1] < bestKey[1])) {
      best = entry;
      bestKey = candidate;
    }
  }
  return best;
}
