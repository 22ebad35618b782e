import type { IncomingMessage, ServerResponse } from "node:http";
import type { DashboardShared } from "./dashboard-shared.js";
import { renderMessagePage } from "./render-message-page.js";
import { createRequestContext, type RequestContext } from "./request-context.js";
import { callbackRoute } from "./routes/callback-route.js";
import { cancelRoute } from "./routes/cancel-route.js";
import { jobRoute } from "./routes/job-route.js";
import { loginRoute } from "./routes/login-route.js";
import { logoutRoute } from "./routes/logout-route.js";
import { metricsRoute } from "./routes/metrics-route.js";
import { modelsRoute } from "./routes/models-route.js";
import { queueEventsRoute } from "./routes/queue-events-route.js";
import { queueRoute } from "./routes/queue-route.js";
import { runRoute } from "./routes/run-route.js";
import { runsListRoute } from "./routes/runs-list-route.js";
import { staticRoute } from "./routes/static-route.js";

type Route = { method: "GET" | "POST"; pattern: RegExp; run: (ctx: RequestContext, id: number) => void | Promise<void> };

const ROUTES: readonly Route[] = [
  { method: "GET", pattern: /^\/local-agent\/?$/, run: (ctx) => ctx.redirect("/local-agent/runs") },
  { method: "GET", pattern: /^\/local-agent\/runs$/, run: (ctx) => runsListRoute(ctx, "page") },
  { method: "GET", pattern: /^\/local-agent\/runs\.json$/, run: (ctx) => runsListRoute(ctx, "data") },
  { method: "GET", pattern: /^\/local-agent\/runs\/(\d+)$/, run: (ctx, id) => runRoute(ctx, id, "page") },
  { method: "GET", pattern: /^\/local-agent\/runs\/(\d+)\.json$/, run: (ctx, id) => runRoute(ctx, id, "data") },
  { method: "GET", pattern: /^\/local-agent\/runs\/(\d+)\/transcript\.jsonl$/, run: (ctx, id) => runRoute(ctx, id, "transcript") },
  { method: "GET", pattern: /^\/local-agent\/jobs\/(\d+)$/, run: (ctx, id) => jobRoute(ctx, id) },
  { method: "POST", pattern: /^\/local-agent\/jobs\/(\d+)\/cancel$/, run: (ctx, id) => cancelRoute(ctx, id) },
  { method: "GET", pattern: /^\/local-agent\/queue$/, run: (ctx) => queueRoute(ctx, "page") },
  { method: "GET", pattern: /^\/local-agent\/queue\.json$/, run: (ctx) => queueRoute(ctx, "data") },
  { method: "GET", pattern: /^\/local-agent\/queue\/events$/, run: (ctx) => queueEventsRoute(ctx) },
  { method: "GET", pattern: /^\/local-agent\/models$/, run: (ctx) => modelsRoute(ctx, "page") },
  { method: "GET", pattern: /^\/local-agent\/models\.json$/, run: (ctx) => modelsRoute(ctx, "data") },
  { method: "GET", pattern: /^\/local-agent\/login$/, run: (ctx) => loginRoute(ctx) },
  { method: "GET", pattern: /^\/local-agent\/auth\/callback$/, run: (ctx) => callbackRoute(ctx) },
  { method: "POST", pattern: /^\/local-agent\/logout$/, run: (ctx) => logoutRoute(ctx) },
];

/** Routes one request; false when it is not the dashboard's (Probot's other handlers get it). */
export async function dispatchRequest(shared: DashboardShared, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const path = (req.url ?? "/").split("?")[0] ?? "/";
  if (path === "/metrics" && (req.method === "GET" || req.method === "HEAD")) {
    await metricsRoute(shared, req, res);
    return true;
  }
  if (path !== "/local-agent" && !path.startsWith("/local-agent/")) return false;
  if (req.method === "GET" && path.startsWith("/local-agent/static/") && staticRoute(res, path.slice("/local-agent/static/".length))) return true;
  const ctx = createRequestContext(shared, req, res);
  try {
    for (const route of ROUTES) {
      const match = route.pattern.exec(path);
      if (!match) continue;
      if (req.method !== route.method && !(route.method === "GET" && req.method === "HEAD")) {
        ctx.text(405, `Use ${route.method} for ${path}.\n`, "text/plain; charset=utf-8", { allow: route.method });
        return true;
      }
      await route.run(ctx, Number(match[1] ?? 0));
      return true;
    }
    ctx.page({ status: 404, title: "Not found", section: null, body: renderMessagePage({ heading: "Not found", text: "There is no such dashboard page.", action: { href: "/local-agent/runs", label: "Runs" } }) });
  } catch (error) {
    shared.deps.log.error({ err: error instanceof Error ? error.message : String(error), path }, "dashboard request failed");
    if (!res.headersSent) ctx.page({ status: 500, title: "Error", section: null, body: renderMessagePage({ heading: "Something went wrong", text: "The dashboard could not answer this request; the app's log says why." }) });
    else res.end();
  }
  return true;
}
