'use strict';

/**
 * Renders the pager of a list view: "prev", the page numbers around the current page, "next".
 * `window` is how many page numbers to show on each side of the current one.
 */
function pageLinks(result, baseUrl, window = 2) {
  const links = [];
  const href = (n) => `${baseUrl}?page=${n}`;
  if (result.hasPrev) links.push({ label: 'prev', href: href(result.page - 1) });
  const first = Math.max(1, result.page - window);
  const last = Math.min(result.totalPages, result.page + window);
  for (let n = first; n <= last; n++) {
    links.push({ label: String(n), href: href(n), current: n === result.page });
  }
  if (result.hasNext) links.push({ label: 'next', href: href(result.page + 1) });
  return links;
}

module.exports = { pageLinks };
