import { stringifySetCookie } from "cookie";
import { verifyCsrfToken } from "../auth/verify-csrf-token.js";
import { readForm } from "../read-form.js";
import { SESSION_COOKIE, type RequestContext } from "../request-context.js";

/** `POST /local-agent/logout`. */
export async function logoutRoute(ctx: RequestContext): Promise<void> {
  const form = await readForm(ctx.req).catch(() => new URLSearchParams());
  // Only our own form signs out: a cross-site post must not even clear the cookie.
  if (ctx.viewer.kind !== "user" || !verifyCsrfToken(ctx.shared.csrfSecret, ctx.viewer.csrfKey, form.get("csrf") ?? undefined)) return ctx.redirect("/local-agent/runs");
  ctx.shared.sessions.delete(ctx.viewer.sessionId);
  ctx.redirect("/local-agent/runs", { "set-cookie": stringifySetCookie(SESSION_COOKIE, "", { httpOnly: true, sameSite: "lax", path: "/local-agent", maxAge: 0 }) });
}
