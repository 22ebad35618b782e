'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { paginate } = require('../src/paginate');

const range = (n) => Array.from({ length: n }, (_, i) => i + 1);

test('returns the first page', () => {
  const result = paginate(range(30), 1, 10);
  assert.deepEqual(result.items, range(10));
  assert.equal(result.totalPages, 3);
  assert.equal(result.hasPrev, false);
  assert.equal(result.hasNext, true);
});

test('an empty list has one empty page', () => {
  const result = paginate([], 1, 10);
  assert.deepEqual(result.items, []);
  assert.equal(result.totalPages, 1);
  assert.equal(result.hasNext, false);
});

test('rejects a page size that is not a positive integer', () => {
  assert.throws(() => paginate(range(5), 1, 0), RangeError);
  assert.throws(() => paginate(range(5), 1, 2.5), RangeError);
});

test('clamps pages past the end to the last page', () => {
  const result = paginate(range(20), 7, 10);
  assert.equal(result.page, 2);
  assert.deepEqual(result.items, range(20).slice(10));
});

// Regression test for #12: the last, partial page was unreachable.
test('the last page holds the remaining items when the count is not a multiple of perPage', () => {
  const result = paginate(range(25), 3, 10);
  assert.equal(result.totalPages, 3);
  assert.equal(result.page, 3);
  assert.deepEqual(result.items, [21, 22, 23, 24, 25]);
  assert.equal(result.hasNext, false);
  assert.equal(paginate(range(25), 2, 10).hasNext, true);
});
