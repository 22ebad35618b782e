'use strict';

/**
 * Splits `items` into pages of `perPage` and returns page `page` (1-based) together with
 * the metadata a list view needs. Out-of-range pages are clamped to the first/last page.
 */
function paginate(items, page, perPage = 10) {
  if (!Number.isInteger(perPage) || perPage < 1) {
    throw new RangeError(`perPage must be a positive integer, got ${perPage}`);
  }
  const totalPages = Math.max(1, Math.floor(items.length / perPage));
  const current = Math.min(Math.max(1, page), totalPages);
  const start = (current - 1) * perPage;
  return {
    items: items.slice(start, start + perPage),
    page: current,
    totalPages,
    hasNext: current < totalPages,
    hasPrev: current > 1,
  };
}

module.exports = { paginate };
