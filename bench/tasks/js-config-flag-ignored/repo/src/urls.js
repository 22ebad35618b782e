'use strict';

/** The absolute URL of a route, honoring `config.trailingSlash`. "/" is always "/". */
function pageUrl(config, route) {
  let pathname = '/' + route.replace(/^\/+/, '').replace(/\/+$/, '');
  if (config.trailingSlash && pathname !== '/') pathname += '/';
  return config.baseUrl + pathname;
}

module.exports = { pageUrl };
