import type { RequestContext } from "../request-context.js";

/**
 * Lets local viewers and signed-in users through; anyone else is sent to sign in (pages) or
 * told to (JSON and event streams). Returns false when it answered the request.
 */
export function requireViewer(ctx: RequestContext, kind: "page" | "data"): boolean {
  if (ctx.viewer.kind !== "anonymous") return true;
  if (kind === "data") {
    ctx.json(401, { error: "sign in first: open /local-agent/login in a browser (from another machine the dashboard needs GitHub sign-in)" });
  } else {
    ctx.redirect(`/local-agent/login?next=${encodeURIComponent(ctx.url.pathname + ctx.url.search)}`);
  }
  return false;
}
