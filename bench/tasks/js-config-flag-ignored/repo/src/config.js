'use strict';

const DEFAULTS = Object.freeze({
  /** Append "/" to every page URL ("/blog" -> "/blog/"). */
  trailingSlash: true,
  /** <changefreq> of every entry. */
  changefreq: 'weekly',
  /** <priority> of every entry, 0.0 to 1.0. */
  priority: 0.5,
});

const CHANGEFREQS = ['always', 'hourly', 'daily', 'weekly', 'monthly', 'yearly', 'never'];

/** Merges the user's options over the defaults and validates them. */
function resolveConfig(options = {}) {
  if (typeof options.baseUrl !== 'string' || !/^https?:\/\//.test(options.baseUrl)) {
    throw new Error('sitemap: `baseUrl` must be an absolute http(s) URL, e.g. "https://example.com"');
  }
  const config = {
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    trailingSlash: options.trailingSlash || DEFAULTS.trailingSlash,
    changefreq: options.changefreq || DEFAULTS.changefreq,
    priority: options.priority ?? DEFAULTS.priority,
  };
  if (!CHANGEFREQS.includes(config.changefreq)) {
    throw new Error(`sitemap: \`changefreq\` must be one of ${CHANGEFREQS.join(', ')}`);
  }
  if (!(config.priority >= 0 && config.priority <= 1)) {
    throw new Error('sitemap: `priority` must be between 0.0 and 1.0');
  }
  return config;
}

module.exports = { resolveConfig, DEFAULTS };
