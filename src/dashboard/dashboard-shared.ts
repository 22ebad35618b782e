import type { PermissionChecker } from "./auth/create-permission-checker.js";
import type { SessionStore } from "./auth/create-session-store.js";
import type { DashboardDeps } from "./dashboard-deps.js";

/** State of one dashboard instance, shared by its requests. */
export interface DashboardShared {
  deps: DashboardDeps;
  sessions: SessionStore;
  /** Per-instance key for CSRF tokens. */
  csrfSecret: Buffer;
  canWrite: PermissionChecker;
  /** Ends of the open event streams, to close them on shutdown. */
  streams: Set<() => void>;
  /** Values that must never appear in a response (the webhook secret, the client secret…). */
  secrets: readonly string[];
  /** Pull requests looked up and not found, with when to look again (ms). */
  prMisses: Map<number, number>;
}
