/**
 * v1 permalink slugs. Frozen: thousands of v1 links in the wild depend on these exact strings
 * (double dashes and all). New code uses slugify() from ./slugify.js.
 */
export function legacySlug(title) {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "-")
    .replace(/^-|-$/g, "");
}

export function legacyPermalink(title) {
  return `/posts/${legacySlug(title)}-`;
}
