import { timingSafeEqual } from "node:crypto";
import { csrfToken } from "./csrf-token.js";

/** True when `given` is the viewer's CSRF token (compared in constant time). */
export function verifyCsrfToken(secret: Buffer, key: string, given: string | undefined): boolean {
  if (!given) return false;
  const expected = Buffer.from(csrfToken(secret, key));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
