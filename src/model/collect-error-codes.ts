/**
 * Socket error codes (`ECONNREFUSED`, `ENOTFOUND`, …) from an error and its causes. Node's fetch
 * wraps them as `TypeError("fetch failed", { cause })`, sometimes nested, and `localhost`, which
 * resolves to ::1 and 127.0.0.1, reports both refusals in one AggregateError.
 */
export function collectErrorCodes(error: unknown, depth = 0): string[] {
  if (depth > 5 || typeof error !== "object" || error === null) return [];
  const codes: string[] = [];
  const code: unknown = Reflect.get(error, "code");
  if (typeof code === "string") codes.push(code);
  if (error instanceof AggregateError) for (const inner of error.errors) codes.push(...collectErrorCodes(inner, depth + 1));
  if (error instanceof Error) codes.push(...collectErrorCodes(error.cause, depth + 1));
  return codes;
}
