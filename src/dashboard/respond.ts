import type { ServerResponse } from "node:http";
import { redactSecrets } from "../github/redact-secrets.js";

/**
 * Headers on every dashboard response: no inline script or style and nothing from elsewhere
 * (model-written text is hostile; escaping is the first wall, this is the second), no framing,
 * no sniffing, no caching of private pages, no referrer leaking run addresses to other sites.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy":
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  // same-origin, not no-referrer: with no-referrer Chromium sends `Origin: null` on our own forms.
  "referrer-policy": "same-origin",
  "cache-control": "no-store",
};

/** Writes a whole response; the body passes through secret redaction last, whatever built it. */
export function respond(res: ServerResponse, params: { status: number; type: string; body: string; headers?: Record<string, string | string[]>; secrets: readonly string[] }): void {
  const body = redactSecrets(params.body, params.secrets);
  res.writeHead(params.status, { ...SECURITY_HEADERS, "content-type": params.type, "content-length": String(Buffer.byteLength(body)), ...params.headers });
  res.end(body);
}
