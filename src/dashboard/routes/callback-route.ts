import { parseCookie, stringifySetCookie } from "cookie";
import { exchangeSignInCode } from "../auth/exchange-sign-in-code.js";
import { renderMessagePage } from "../render-message-page.js";
import { SESSION_COOKIE, type RequestContext } from "../request-context.js";
import { OAUTH_STATE_COOKIE } from "./oauth-state-cookie.js";

/** `GET /local-agent/auth/callback`: checks the state, learns the login, starts a session. */
export async function callbackRoute(ctx: RequestContext): Promise<void> {
  const { config } = ctx.shared.deps;
  const state = ctx.url.searchParams.get("state") ?? undefined;
  const code = ctx.url.searchParams.get("code");
  const cookieState = parseCookie(ctx.req.headers.cookie ?? "")[OAUTH_STATE_COOKIE];
  // The state must come back to the browser that started the sign-in, once.
  const next = state && cookieState === state ? ctx.shared.sessions.finishSignIn(state) : null;
  const again = { href: "/local-agent/login", label: "Sign in again" };
  if (!config.oauth || !config.publicUrl || next === null || !code) {
    return ctx.page({ status: 400, title: "Sign-in failed", section: null, body: renderMessagePage({ heading: "Sign-in failed", text: "This sign-in link has expired or was already used, or it was started in another browser.", action: again }) });
  }
  let login: string;
  try {
    login = await exchangeSignInCode({ clientId: config.oauth.clientId, clientSecret: config.oauth.clientSecret, code, redirectUrl: `${config.publicUrl}/local-agent/auth/callback`, fetch: ctx.shared.deps.fetch });
  } catch (error) {
    ctx.shared.deps.log.warn({ err: error instanceof Error ? error.message : String(error) }, "dashboard sign-in failed");
    return ctx.page({ status: 502, title: "Sign-in failed", section: null, body: renderMessagePage({ heading: "Sign-in failed", text: "GitHub did not confirm the sign-in (the app's log says why). Check GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET and the App's callback URL.", action: again }) });
  }
  const session = ctx.shared.sessions.create(login);
  ctx.shared.deps.log.info({ login }, "dashboard sign-in");
  const secure = config.publicUrl.startsWith("https:");
  ctx.redirect(next, {
    "set-cookie": [
      stringifySetCookie(SESSION_COOKIE, session, { httpOnly: true, sameSite: "lax", secure, path: "/local-agent", maxAge: 8 * 3600 }),
      stringifySetCookie(OAUTH_STATE_COOKIE, "", { httpOnly: true, sameSite: "lax", secure, path: "/local-agent/auth", maxAge: 0 }),
    ],
  });
}
