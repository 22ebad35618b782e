import { slugify } from "./slugify.js";

/** The permalink of a post: "/<year>/<slug>/". `date` is an ISO date string ("2024-05-01"). */
export function permalink(post) {
  const year = post.date.slice(0, 4);
  return `/${year}/${slugify(post.title)}/`;
}

/** Posts sorted newest first, each with its permalink. */
export function indexPosts(posts) {
  return [...posts]
    .sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0))
    .map((post) => ({ ...post, url: permalink(post) }));
}
