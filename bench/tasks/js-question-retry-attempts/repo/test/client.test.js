'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { createClient } = require('../src/client');

function fakeFetch(statuses) {
  const calls = [];
  const impl = async (url) => {
    calls.push(url);
    const status = statuses[Math.min(calls.length - 1, statuses.length - 1)];
    return { status, ok: status < 300, json: async () => ({ status }) };
  };
  return { impl, calls };
}

test('retries a 503 and returns the first success', async () => {
  const fetch = fakeFetch([503, 200]);
  const delays = [];
  const client = createClient({ baseUrl: 'https://api.test' }, { fetchImpl: fetch.impl, sleep: async (ms) => delays.push(ms) });
  assert.deepEqual(await client.getJson('/x'), { status: 200 });
  assert.equal(fetch.calls.length, 2);
  assert.deepEqual(delays, [250]);
});

test('does not retry a 404', async () => {
  const fetch = fakeFetch([404]);
  const client = createClient({}, { fetchImpl: fetch.impl, sleep: async () => {} });
  await assert.rejects(client.getJson('/missing'), /HTTP 404/);
  assert.equal(fetch.calls.length, 1);
});

test('options override the defaults', () => {
  const client = createClient({ retries: 5, headers: { authorization: 'Bearer t' } });
  assert.equal(client.config.retries, 5);
  assert.equal(client.config.headers.accept, 'application/json');
});
