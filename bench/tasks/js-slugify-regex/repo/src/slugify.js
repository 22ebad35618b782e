/**
 * Turns a post title into a URL slug: lowercase ASCII letters and digits separated by single
 * dashes, with accents removed and no leading or trailing dash.
 * "Hello, World!" -> "hello-world", "Crème brûlée" -> "creme-brulee".
 */
export function slugify(title) {
  return title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "-")
    .replace(/^-|-$/g, "");
}
