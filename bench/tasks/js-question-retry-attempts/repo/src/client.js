'use strict';

const { DEFAULT_OPTIONS } = require('./defaults');
const { withRetry, RetryableError } = require('./retry');

const realSleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A client bound to one base URL. `fetchImpl` and `sleep` are injectable for tests.
 */
function createClient(options = {}, { fetchImpl = globalThis.fetch, sleep = realSleep } = {}) {
  const config = { ...DEFAULT_OPTIONS, ...options, headers: { ...DEFAULT_OPTIONS.headers, ...options.headers } };

  async function request(method, path, body) {
    return withRetry(
      async () => {
        const response = await fetchImpl(config.baseUrl + path, {
          method,
          headers: config.headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(config.timeoutMs),
        });
        if (config.retryOn.includes(response.status)) {
          throw new RetryableError(`${method} ${path}: HTTP ${response.status}`, response.status);
        }
        if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status}`);
        return response;
      },
      { retries: config.retries, retryDelayMs: config.retryDelayMs, sleep },
    );
  }

  return {
    config,
    async getJson(path) {
      return (await request('GET', path)).json();
    },
    async postJson(path, body) {
      return (await request('POST', path, body)).json();
    },
  };
}

module.exports = { createClient };
