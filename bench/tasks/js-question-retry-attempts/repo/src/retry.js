'use strict';

class RetryableError extends Error {
  constructor(message, status) {
    super(message);
    this.name = 'RetryableError';
    this.status = status;
  }
}

/**
 * Calls `attempt()` until it succeeds, it throws a non-retryable error, or the retries are used
 * up. Waits retryDelayMs, 2 × retryDelayMs, 4 × retryDelayMs, … between attempts.
 */
async function withRetry(attempt, { retries, retryDelayMs, sleep }) {
  let lastError;
  for (let n = 0; n <= retries; n++) {
    if (n > 0) await sleep(retryDelayMs * 2 ** (n - 1));
    try {
      return await attempt(n);
    } catch (error) {
      if (!(error instanceof RetryableError)) throw error;
      lastError = error;
    }
  }
  throw lastError;
}

module.exports = { withRetry, RetryableError };
