'use strict';

const { resolveConfig } = require('./config');
const { pageUrl } = require('./urls');

const escapeXml = (text) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Renders sitemap.xml for `routes`. */
function buildSitemap(routes, options) {
  const config = resolveConfig(options);
  const entries = routes.map(
    (route) =>
      `  <url><loc>${escapeXml(pageUrl(config, route))}</loc>` +
      `<changefreq>${config.changefreq}</changefreq>` +
      `<priority>${config.priority.toFixed(1)}</priority></url>`,
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ...entries,
    '</urlset>',
  ].join('\n');
}

module.exports = { buildSitemap };
