import { randomBytes } from "node:crypto";

export interface SessionStore {
  /** A new session for a signed-in GitHub user; returns its id (the cookie value). */
  create(login: string): string;
  /** The signed-in login, or null when the id is unknown or expired. */
  get(id: string | undefined): { login: string } | null;
  delete(id: string | undefined): void;
  /** Remembers where to return after GitHub's sign-in page; returns the `state` value to send. */
  beginSignIn(next: string): string;
  /** The `next` of a state begun here and not used yet (each state works once), else null. */
  finishSignIn(state: string | undefined): string | null;
}

/**
 * Sessions in memory, per app instance: a restart signs everyone out, which is the safe default
 * for a dashboard that holds nothing a user cannot get back by signing in again. Ids are 256
 * random bits; nothing about the user's GitHub token is kept.
 */
export function createSessionStore(params: { now: () => Date; ttlMs?: number; stateTtlMs?: number }): SessionStore {
  const ttl = params.ttlMs ?? 8 * 3_600_000;
  const stateTtl = params.stateTtlMs ?? 10 * 60_000;
  const sessions = new Map<string, { login: string; expires: number }>();
  const states = new Map<string, { next: string; expires: number }>();
  const sweep = () => {
    const now = params.now().getTime();
    for (const [id, session] of sessions) if (session.expires <= now) sessions.delete(id);
    for (const [state, entry] of states) if (entry.expires <= now) states.delete(state);
  };
  return {
    create(login) {
      sweep();
      const id = randomBytes(32).toString("base64url");
      sessions.set(id, { login, expires: params.now().getTime() + ttl });
      return id;
    },
    get(id) {
      if (!id) return null;
      const session = sessions.get(id);
      if (!session || session.expires <= params.now().getTime()) return null;
      return { login: session.login };
    },
    delete(id) {
      if (id) sessions.delete(id);
    },
    beginSignIn(next) {
      sweep();
      const state = randomBytes(24).toString("base64url");
      states.set(state, { next, expires: params.now().getTime() + stateTtl });
      return state;
    },
    finishSignIn(state) {
      if (!state) return null;
      const entry = states.get(state);
      states.delete(state);
      if (!entry || entry.expires <= params.now().getTime()) return null;
      return entry.next;
    },
  };
}
