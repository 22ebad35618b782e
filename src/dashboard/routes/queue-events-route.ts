import { buildQueueSnapshot } from "../build-queue-snapshot.js";
import { renderQueueRows } from "../render-queue-rows.js";
import type { RequestContext } from "../request-context.js";
import { SECURITY_HEADERS } from "../respond.js";
import { redactSecrets } from "../../github/redact-secrets.js";
import { requireViewer } from "./require-viewer.js";

/**
 * `GET /local-agent/queue/events`: server-sent events carrying the queue fragment whenever it
 * changes: at once on every model call of a running job, and within a poll interval for what
 * only the job store knows (a job queued, started, finished). A comment line every 15 s keeps
 * proxies from closing an idle stream.
 */
export async function queueEventsRoute(ctx: RequestContext): Promise<void> {
  if (!requireViewer(ctx, "data")) return;
  const { shared, res } = ctx;
  res.writeHead(200, { ...SECURITY_HEADERS, "content-type": "text/event-stream; charset=utf-8", connection: "keep-alive", "x-accel-buffering": "no" });
  res.flushHeaders();
  let last = "";
  let busy = false;
  let again = false;
  let closed = false;
  const push = async () => {
    if (closed) return;
    // A signed-out or expired session ends its stream; the browser reconnects and is asked to sign in.
    if (ctx.viewer.kind === "user" && !shared.sessions.get(ctx.viewer.sessionId)) return end();
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      do {
        again = false;
        const html = renderQueueRows({ snapshot: await buildQueueSnapshot(ctx), csrf: ctx.csrf }).value;
        if (html !== last && !closed) {
          last = html;
          const data = JSON.stringify({ html: redactSecrets(html, shared.secrets), at: shared.deps.now().toISOString() });
          res.write(`event: queue\ndata: ${data}\n\n`);
        }
      } while (again && !closed);
    } catch (error) {
      shared.deps.log.warn({ err: error instanceof Error ? error.message : String(error) }, "queue event stream failed");
    } finally {
      busy = false;
    }
  };
  const poll = setInterval(() => void push(), shared.deps.pollMs ?? 1000);
  const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), 15_000);
  const unsubscribe = shared.deps.live.subscribe(() => void push());
  function end(): void {
    if (closed) return;
    closed = true;
    clearInterval(poll);
    clearInterval(heartbeat);
    unsubscribe();
    shared.streams.delete(end);
    res.end();
  }
  shared.streams.add(end);
  res.on("close", end);
  await push();
}
