import type { IncomingMessage } from "node:http";

const FORWARDING_HEADERS = ["forwarded", "x-forwarded-for", "x-forwarded-host", "x-real-ip", "via"];

/**
 * A request from a browser on this machine, straight to the app: only then is no sign-in needed.
 * All three must hold:
 * - the TCP peer is a loopback address;
 * - no proxy forwarded it (a reverse proxy on the same machine makes every visitor look local,
 *   so any forwarding header means "from elsewhere");
 * - the Host header names a loopback host: a page on another site that rebinds its DNS name to
 *   127.0.0.1 reaches this port from the operator's own browser, but with its own name as Host.
 */
export function isLoopbackRequest(req: IncomingMessage): boolean {
  const peer = req.socket.remoteAddress ?? "";
  const loopbackPeer = /^127\./.test(peer) || peer === "::1" || /^::ffff:127\./.test(peer);
  if (!loopbackPeer) return false;
  if (FORWARDING_HEADERS.some((name) => req.headers[name] !== undefined)) return false;
  const host = req.headers.host;
  if (!host) return false;
  let hostname: string;
  try {
    hostname = new URL(`http://${host}`).hostname;
  } catch {
    return false;
  }
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}
