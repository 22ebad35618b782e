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

/** How a socket error reads in a message to the user. */
const TRANSPORT_REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "host name not found",
  EAI_AGAIN: "host name lookup failed",
  EAI_NONAME: "host name not found",
  ECONNRESET: "connection reset",
  EPIPE: "connection reset",
  UND_ERR_SOCKET: "connection closed by the server",
  UND_ERR_CLOSED: "connection closed",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  EADDRNOTAVAIL: "address not available",
  ETIMEDOUT: "connection timed out",
  UND_ERR_CONNECT_TIMEOUT: "connection timed out",
};

/** The first socket error in `codes` that means "the server cannot be reached", in words. */
export function transportReasonOf(codes: readonly string[]): string | undefined {
  return codes.map((code) => TRANSPORT_REASONS[code]).find((reason) => reason !== undefined);
}
