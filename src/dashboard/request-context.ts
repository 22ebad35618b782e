import type { IncomingMessage, ServerResponse } from "node:http";
import { parseCookie } from "cookie";
import { csrfToken } from "./auth/csrf-token.js";
import { isLoopbackRequest } from "./auth/is-loopback-request.js";
import type { DashboardShared } from "./dashboard-shared.js";
import type { SafeHtml } from "./html.js";
import { renderLayout, type Section } from "./render-layout.js";
import { respond } from "./respond.js";
import type { Viewer } from "./viewer.js";

export const SESSION_COOKIE = "la_session";

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  viewer: Viewer;
  /** The viewer's CSRF token for forms, null for anonymous viewers. */
  csrf: string | null;
  shared: DashboardShared;
  page(params: { status?: number; title: string; section: Section; body: SafeHtml; head?: SafeHtml }): void;
  json(status: number, value: unknown): void;
  text(status: number, body: string, type?: string, headers?: Record<string, string | string[]>): void;
  redirect(location: string, headers?: Record<string, string | string[]>): void;
  /** May this viewer see (and cancel) the runs and jobs of this repository? */
  mayAccess(repo: string, installationId: number | null): Promise<boolean>;
}

/** Who is asking, and the response helpers every route uses. */
export function createRequestContext(shared: DashboardShared, req: IncomingMessage, res: ServerResponse): RequestContext {
  const url = new URL(req.url ?? "/", "http://dashboard.invalid");
  const viewer = viewerOf(shared, req);
  const csrf = viewer.kind === "anonymous" ? null : csrfToken(shared.csrfSecret, viewer.csrfKey);
  const send = (status: number, type: string, body: string, headers?: Record<string, string | string[]>) =>
    respond(res, { status, type, body, secrets: shared.secrets, ...(headers ? { headers } : {}) });
  return {
    req,
    res,
    url,
    viewer,
    csrf,
    shared,
    page: ({ status = 200, title, section, body, head }) =>
      send(status, "text/html; charset=utf-8", renderLayout({ title, section, viewer, csrf, body, ...(head ? { head } : {}) }).value),
    json: (status, value) => send(status, "application/json; charset=utf-8", `${JSON.stringify(value, null, 2)}\n`),
    text: (status, body, type = "text/plain; charset=utf-8", headers) => send(status, type, body, headers),
    redirect: (location, headers) => send(303, "text/plain; charset=utf-8", `See ${location}\n`, { location, ...headers }),
    mayAccess: async (repo, installationId) => {
      if (viewer.kind === "local") return true;
      if (viewer.kind === "anonymous") return false;
      const installation = installationId ?? shared.deps.runs.installationFor(repo) ?? shared.deps.store.list({ repo, limit: 1 })[0]?.installationId ?? null;
      return shared.canWrite({ login: viewer.login, repo, installationId: installation });
    },
  };
}

function viewerOf(shared: DashboardShared, req: IncomingMessage): Viewer {
  if (isLoopbackRequest(req)) return { kind: "local", csrfKey: "local" };
  const id = parseCookie(req.headers.cookie ?? "")[SESSION_COOKIE];
  const session = shared.sessions.get(id);
  if (id && session) return { kind: "user", login: session.login, sessionId: id, csrfKey: id };
  return { kind: "anonymous" };
}
