'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { withRetry, RetryableError } = require('../src/retry');

test('gives up after the retries with the last error', async () => {
  const delays = [];
  let calls = 0;
  await assert.rejects(
    withRetry(
      async () => {
        calls++;
        throw new RetryableError('busy', 503);
      },
      { retries: 3, retryDelayMs: 100, sleep: async (ms) => delays.push(ms) },
    ),
    /busy/,
  );
  assert.equal(calls, 4);
  assert.deepEqual(delays, [100, 200, 400]);
});
