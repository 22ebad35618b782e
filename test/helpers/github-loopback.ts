import { createServer, type IncomingMessage } from "node:http";
import { listenOnLoopback } from "./listen-on-loopback.js";
import { type RecordedRequest, recordFromWire } from "./openapi-check.js";

/** Headers passed on to the mocked API and back (the rest is transport). */
const FORWARDED = ["authorization", "accept", "content-type", "user-agent", "x-github-api-version"];

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * GitHub's API on loopback for app processes a test starts (`serve`, `worker`), which nock cannot
 * reach: each request is replayed in this process to `target` (e.g. `https://ghe.example.test`),
 * where the test's nock interceptors answer, and the answer goes back. The processes reach it as
 * GitHub Enterprise Server (`GHE_HOST` = `host`, `GHE_PROTOCOL=http`). Every request is recorded,
 * resolved to its OpenAPI route for `checkAgainstOpenApi`.
 */
export async function startGitHubLoopback(params: { target: string }) {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const body = await readBody(req);
      const text = body.toString();
      const apiPath = url.pathname.replace(/^\/api\/v3/, "");
      let json: unknown;
      try {
        json = text === "" ? undefined : JSON.parse(text);
      } catch {
        json = text;
      }
      requests.push(
        recordFromWire({ method: req.method ?? "GET", path: apiPath, query: url.searchParams, body: json }),
      );
      const headers: Record<string, string> = {};
      for (const name of FORWARDED) if (typeof req.headers[name] === "string") headers[name] = req.headers[name];
      const method = req.method ?? "GET";
      const answer = await fetch(`${params.target}${url.pathname}${url.search}`, {
        method,
        headers,
        ...(body.length > 0 && method !== "GET" && method !== "HEAD" ? { body } : {}),
      });
      const bytes = Buffer.from(await answer.arrayBuffer());
      res.writeHead(answer.status, {
        "content-type": answer.headers.get("content-type") ?? "application/json; charset=utf-8",
        "content-length": bytes.length,
      });
      res.end(bytes);
    })().catch((error: unknown) => {
      // An unmatched request (nock refused it) is a 501 the app reports; the test sees it in the log.
      res.writeHead(501, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          message: `github-loopback: ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}`,
        }),
      );
    });
  });
  const { port } = await listenOnLoopback(server);
  return {
    /** `GHE_HOST` for the processes. */
    host: `127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
