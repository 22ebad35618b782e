'use strict';

const { buildSitemap } = require('./sitemap');
const { resolveConfig } = require('./config');

module.exports = { buildSitemap, resolveConfig };
