'use strict';

/** Options every client starts from; createClient(options) overrides them key by key. */
const DEFAULT_OPTIONS = Object.freeze({
  baseUrl: '',
  /** Per-attempt timeout. */
  timeoutMs: 10_000,
  /** Extra attempts after the first one fails with a retryable error. */
  retries: 2,
  /** Delay before the first retry; doubled for each further retry. */
  retryDelayMs: 250,
  /** Status codes that are worth retrying. */
  retryOn: [408, 429, 502, 503, 504],
  headers: { accept: 'application/json' },
});

module.exports = { DEFAULT_OPTIONS };
