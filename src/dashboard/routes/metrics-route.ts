import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { isLoopbackRequest } from "../auth/is-loopback-request.js";
import type { DashboardShared } from "../dashboard-shared.js";
import { respond } from "../respond.js";

/** `GET /metrics`: Prometheus text format, from this machine, or elsewhere with LOCAL_AGENT_METRICS_TOKEN as a bearer token. */
export async function metricsRoute(shared: DashboardShared, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const token = shared.deps.config.metricsToken;
  const given = /^Bearer (.+)$/i.exec(req.headers.authorization ?? "")?.[1] ?? "";
  const tokenOk = token !== null && given.length === token.length && timingSafeEqual(Buffer.from(given), Buffer.from(token));
  if (!isLoopbackRequest(req) && !tokenOk) {
    return respond(res, {
      status: 403,
      type: "text/plain; charset=utf-8",
      body: "/metrics answers this machine only. To scrape it from elsewhere, set LOCAL_AGENT_METRICS_TOKEN and send it as `Authorization: Bearer <token>`.\n",
      secrets: shared.secrets,
    });
  }
  const registry = shared.deps.metrics.registry;
  respond(res, { status: 200, type: registry.contentType, body: await registry.metrics(), secrets: shared.secrets });
}
