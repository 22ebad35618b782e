'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { paginate, pageLinks } = require('../src');

const range = (n) => Array.from({ length: n }, (_, i) => i + 1);

test('shows prev, the pages around the current one, and next', () => {
  const links = pageLinks(paginate(range(100), 5, 10), '/orders');
  assert.deepEqual(
    links.map((link) => link.label),
    ['prev', '3', '4', '5', '6', '7', 'next'],
  );
  assert.equal(links.find((link) => link.current).href, '/orders?page=5');
});

test('has no prev link on the first page and no next link on the last', () => {
  assert.deepEqual(
    pageLinks(paginate(range(20), 1, 10), '/orders').map((link) => link.label),
    ['1', '2', 'next'],
  );
  assert.deepEqual(
    pageLinks(paginate(range(20), 2, 10), '/orders').map((link) => link.label),
    ['prev', '1', '2'],
  );
});
