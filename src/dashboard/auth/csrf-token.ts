import { createHmac } from "node:crypto";

/**
 * The token a dashboard form carries: an HMAC of the viewer's key (session id, or "local") under
 * a per-instance secret. A page on another site can make the browser post a form here, but it
 * cannot read our pages, so it cannot know the token.
 */
export function csrfToken(secret: Buffer, key: string): string {
  return createHmac("sha256", secret).update(key).digest("base64url");
}
