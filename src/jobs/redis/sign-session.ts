import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * A session's job, signed by the receiver with the App's webhook secret (every box has it) so a
 * worker runs only jobs the receiver queued: whoever can write to Redis cannot make a worker run
 * a task of their own with the App's credentials. The job travels as the exact text signed.
 */
export function signSession(job: unknown, secret: string): { job: string; signature: string } {
  const text = JSON.stringify(job);
  return { job: text, signature: hmac(text, secret) };
}

/** The job of a signed session payload, or null when the payload is not one or its signature does not match. */
export function verifySession(payload: Record<string, unknown>, secret: string): unknown {
  const { job, signature } = payload;
  if (typeof job !== "string" || typeof signature !== "string") return null;
  const expected = Buffer.from(hmac(job, secret));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return JSON.parse(job) as unknown;
}

function hmac(text: string, secret: string): string {
  return createHmac("sha256", `local-agent session\n${secret}`).update(text).digest("hex");
}
