import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createPermissionChecker } from "./auth/create-permission-checker.js";
import { createSessionStore } from "./auth/create-session-store.js";
import type { DashboardDeps } from "./dashboard-deps.js";
import type { DashboardShared } from "./dashboard-shared.js";
import { dispatchRequest } from "./dispatch-request.js";

export interface Dashboard {
  /** A node:http handler for Probot's server: true when it answered (`/local-agent/…`, `/metrics`). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** Ends open event streams (shutdown). */
  close(): void;
}

/** The dashboard and `/metrics`, one instance per app: its sessions, CSRF key and streams are its own. */
export function createDashboard(deps: DashboardDeps): Dashboard {
  const config = deps.config;
  const shared: DashboardShared = {
    deps,
    sessions: createSessionStore({ now: deps.now }),
    csrfSecret: randomBytes(32),
    canWrite: createPermissionChecker({ client: deps.installationClient, now: deps.now }),
    streams: new Set(),
    secrets: [config.webhookSecret, config.oauth?.clientSecret ?? "", config.metricsToken ?? "", config.privateKey.source === "env" ? config.privateKey.pem : ""].filter(
      (secret) => secret.length >= 8,
    ),
    prMisses: new Map(),
  };
  return {
    handle: (req, res) => dispatchRequest(shared, req, res),
    close: () => {
      for (const end of [...shared.streams]) end();
    },
  };
}
