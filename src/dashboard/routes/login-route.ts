import { stringifySetCookie } from "cookie";
import { githubSignInUrl } from "../auth/github-sign-in-url.js";
import { renderMessagePage } from "../render-message-page.js";
import type { RequestContext } from "../request-context.js";
import { OAUTH_STATE_COOKIE } from "./oauth-state-cookie.js";

/** `GET /local-agent/login`: GitHub's OAuth web flow with the App's client id, back to the callback. */
export function loginRoute(ctx: RequestContext): void {
  const next = safeNext(ctx.url.searchParams.get("next"));
  if (ctx.viewer.kind !== "anonymous") return ctx.redirect(next);
  const { config } = ctx.shared.deps;
  if (!config.oauth || !config.publicUrl) {
    return ctx.page({
      status: 403,
      title: "Sign-in is not set up",
      section: null,
      body: renderMessagePage({
        heading: "Sign-in is not set up",
        text: "From another machine the dashboard needs GitHub sign-in. Set LOCAL_AGENT_PUBLIC_URL, GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET (the GitHub App's client id and a client secret), add <public URL>/local-agent/auth/callback as the App's callback URL, and restart. On the app's own machine, open http://localhost:PORT/local-agent/ instead: no sign-in is needed there.",
      }),
    });
  }
  const state = ctx.shared.sessions.beginSignIn(next);
  const secure = config.publicUrl.startsWith("https:");
  ctx.redirect(githubSignInUrl({ clientId: config.oauth.clientId, redirectUrl: `${config.publicUrl}/local-agent/auth/callback`, state }), {
    "set-cookie": stringifySetCookie(OAUTH_STATE_COOKIE, state, { httpOnly: true, sameSite: "lax", secure, path: "/local-agent/auth", maxAge: 600 }),
  });
}

/** Only our own pages are places to return to after sign-in (no open redirect). */
function safeNext(next: string | null): string {
  return next && next.startsWith("/local-agent/") && !next.startsWith("//") && !next.includes("\\") ? next : "/local-agent/runs";
}
