/**
 * A URL fit for an `href`: our own paths (`/local-agent/…`) and http(s) addresses only, so no
 * `javascript:` or `data:` URL can reach a link even if a stored value were tampered with.
 */
export function safeHref(url: string | null | undefined): string | null {
  if (!url) return null;
  if (url.startsWith("/") && !url.startsWith("//")) return url;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
  } catch {
    return null;
  }
}
