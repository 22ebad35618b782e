'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { pageUrl } = require('../src/urls');

const base = 'https://example.com';

test('adds a trailing slash when configured', () => {
  assert.equal(pageUrl({ baseUrl: base, trailingSlash: true }, 'blog'), 'https://example.com/blog/');
});

test('leaves the slash off when not configured', () => {
  assert.equal(pageUrl({ baseUrl: base, trailingSlash: false }, '/blog/'), 'https://example.com/blog');
});

test('the root is always "/"', () => {
  assert.equal(pageUrl({ baseUrl: base, trailingSlash: false }, '/'), 'https://example.com/');
});
