import { buildQueueSnapshot } from "../build-queue-snapshot.js";
import { renderQueuePage } from "../render-queue-page.js";
import type { RequestContext } from "../request-context.js";
import { requireViewer } from "./require-viewer.js";

/** `GET /local-agent/queue` and `/local-agent/queue.json`. */
export async function queueRoute(ctx: RequestContext, format: "page" | "data"): Promise<void> {
  if (!requireViewer(ctx, format)) return;
  const snapshot = await buildQueueSnapshot(ctx);
  if (format === "data") return ctx.json(200, snapshot);
  const cancelled = Number(ctx.url.searchParams.get("cancelled"));
  const refused = Number(ctx.url.searchParams.get("refused"));
  // Only numbers come back from the query, never text: nothing a link could inject.
  const notice = Number.isSafeInteger(cancelled) && cancelled > 0 ? `Job ${cancelled} was cancelled.` : Number.isSafeInteger(refused) && refused > 0 ? `Job ${refused} had already finished.` : null;
  const { head, body } = renderQueuePage({ snapshot, csrf: ctx.csrf, notice });
  ctx.page({ title: "Queue", section: "queue", head, body });
}
