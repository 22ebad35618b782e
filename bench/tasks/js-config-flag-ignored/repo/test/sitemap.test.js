'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { buildSitemap, resolveConfig } = require('../src');

const locs = (xml) => [...xml.matchAll(/<loc>(.*?)<\/loc>/g)].map((m) => m[1]);

test('uses the defaults', () => {
  const xml = buildSitemap(['/', '/blog'], { baseUrl: 'https://example.com/' });
  assert.deepEqual(locs(xml), ['https://example.com/', 'https://example.com/blog/']);
  assert.match(xml, /<changefreq>weekly<\/changefreq><priority>0\.5<\/priority>/);
});

test('honors changefreq and priority', () => {
  const xml = buildSitemap(['/a'], { baseUrl: 'https://example.com', changefreq: 'daily', priority: 0 });
  assert.match(xml, /<changefreq>daily<\/changefreq><priority>0\.0<\/priority>/);
});

test('honors trailingSlash: false', () => {
  const xml = buildSitemap(['/', '/blog', '/about/'], { baseUrl: 'https://example.com', trailingSlash: false });
  assert.deepEqual(locs(xml), ['https://example.com/', 'https://example.com/blog', 'https://example.com/about']);
  assert.equal(resolveConfig({ baseUrl: 'https://example.com', trailingSlash: false }).trailingSlash, false);
});

test('rejects a relative baseUrl', () => {
  assert.throws(() => buildSitemap(['/'], { baseUrl: 'example.com' }), /baseUrl/);
});
