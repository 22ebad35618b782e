/** Where Ollama listens when OLLAMA_HOST is unset or empty. */
export const DEFAULT_OLLAMA_HOST = "http://127.0.0.1:11434";

/**
 * Turns an `OLLAMA_HOST` value into a base URL the way Ollama's own CLI reads it
 * (`envconfig.Host()` in ollama/ollama; ollama-js `formatHost` agrees):
 * - surrounding quotes and spaces are ignored;
 * - no scheme → `http` and port 11434 (`myhost` → `http://myhost:11434`);
 * - an explicit `http://` / `https://` without port → 80 / 443;
 * - only a port (`:1234`) → `127.0.0.1:1234`;
 * - a path prefix is kept (reverse proxies), trailing slashes are dropped.
 *
 * One deliberate difference: the unspecified addresses `0.0.0.0` and `::` are what people put
 * in OLLAMA_HOST to make the *server* listen on every interface; as a destination they only
 * work by accident on some systems, so a client connects to loopback instead.
 */
export function normalizeOllamaHost(value: string | undefined): string {
  const trimmed = (value ?? "").trim().replace(/^["']+|["']+$/g, "").trim();
  if (trimmed === "") return DEFAULT_OLLAMA_HOST;

  const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(trimmed);
  const scheme = schemeMatch?.[1]?.toLowerCase() ?? "http";
  const rest = schemeMatch ? trimmed.slice(schemeMatch[0].length) : trimmed;
  const defaultPort = !schemeMatch ? "11434" : scheme === "https" ? "443" : "80";

  const slash = rest.indexOf("/");
  const hostPort = slash === -1 ? rest : rest.slice(0, slash);
  const path = (slash === -1 ? "" : rest.slice(slash)).replace(/\/+$/, "");

  const { host, port } = splitHostPort(hostPort, defaultPort);
  return `${scheme}://${formatHost(loopbackFor(host))}:${port}${path}`;
}

function splitHostPort(hostPort: string, defaultPort: string): { host: string; port: string } {
  // `[::1]:11434`, `[::1]`
  const bracketed = /^\[([^\]]*)\](?::(\d*))?$/.exec(hostPort);
  if (bracketed) return { host: bracketed[1] || "127.0.0.1", port: validPort(bracketed[2], defaultPort) };
  // A bare IPv6 address (more than one colon) has no port.
  if ((hostPort.match(/:/g) ?? []).length > 1) return { host: hostPort, port: defaultPort };
  const colon = hostPort.lastIndexOf(":");
  if (colon === -1) return { host: hostPort || "127.0.0.1", port: defaultPort };
  return { host: hostPort.slice(0, colon) || "127.0.0.1", port: validPort(hostPort.slice(colon + 1), defaultPort) };
}

function validPort(port: string | undefined, fallback: string): string {
  if (port === undefined || !/^\d+$/.test(port)) return fallback;
  const n = Number(port);
  return n >= 0 && n <= 65535 ? String(n) : fallback;
}

function loopbackFor(host: string): string {
  if (host === "0.0.0.0") return "127.0.0.1";
  if (host === "::" || host === "0:0:0:0:0:0:0:0") return "::1";
  return host;
}

function formatHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}
