import http from "node:http";

/** What the proxy counted since the last `take()`: model calls and the server's own token counts. */
export interface ProxyCounts {
  /**
   * Completion requests sent (chat/completions, completions, Ollama chat/generate), counted when
   * they arrive: a call still in flight when a run is killed at its time limit counts too.
   */
  calls: number;
  /** Prompt tokens as the server reported them (`usage.prompt_tokens` or Ollama's `prompt_eval_count`). */
  promptTokens: number;
  /** Calls whose reply carried no token count (the total above then undercounts). */
  uncounted: number;
}

export interface CountingProxy {
  /** Base URL of the proxy on loopback, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** Returns the counts so far and starts a new tally (one tally per task run). */
  take(): ProxyCounts;
  close(): Promise<void>;
}

// `/completion` is llama-server's native endpoint, which our llamacpp backend uses.
const COMPLETION_PATH = /\/(chat\/completions|completions|completion|api\/chat|api\/generate)$/;

/**
 * A loopback HTTP proxy in front of the real model server. Every peer is pointed at it instead of
 * the server, so calls and prompt tokens are counted the same way for every harness, from the
 * server's replies rather than from each peer's own (differently complete) bookkeeping.
 */
export async function startCountingProxy(params: { target: string }): Promise<CountingProxy> {
  const target = new URL(params.target);
  let counts: ProxyCounts = { calls: 0, promptTokens: 0, uncounted: 0 };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", target);
    // The target's own path prefix (e.g. `/v1` given in the URL) is kept in front of the request's.
    const base = target.pathname.replace(/\/$/, "");
    const forwardPath = req.url?.startsWith(base) ? req.url : `${base}${req.url ?? "/"}`;
    const counted = req.method === "POST" && COMPLETION_PATH.test(url.pathname);
    if (counted) counts.calls++;
    // A reply that ends after take() belongs to the tally it started in.
    const tally = counts;
    const upstream = http.request(
      // agent: false: no pooled keep-alive sockets to the server outlive the proxy and hold the CLI open.
      { hostname: target.hostname, port: target.port, method: req.method, path: forwardPath, headers: { ...req.headers, host: target.host }, agent: false },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        const chunks: Buffer[] = [];
        up.on("data", (chunk: Buffer) => {
          chunks.push(chunk);
          res.write(chunk);
        });
        up.on("end", () => {
          res.end();
          if (!counted) return;
          const tokens = promptTokensOf(Buffer.concat(chunks).toString("utf8"));
          if (tokens === null) tally.uncounted++;
          else tally.promptTokens += tokens;
        });
      },
    );
    upstream.on("error", (error) => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end(`counting proxy: ${target.origin} unreachable: ${error.message}`);
    });
    // A peer killed at its time limit drops its connection: drop ours too, so the server stops
    // generating for it instead of holding the next run's request behind a dead one.
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("counting proxy: no port");
  return {
    url: `http://127.0.0.1:${address.port}`,
    take() {
      const taken = counts;
      counts = { calls: 0, promptTokens: 0, uncounted: 0 };
      return taken;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The prompt-token count in one reply: a JSON body, a server-sent-events stream (the last chunk
 * with usage wins) or Ollama's newline-delimited JSON stream. Null when the reply has none.
 */
export function promptTokensOf(body: string): number | null {
  const candidates = body.trim().startsWith("{") && !body.includes("\n{") ? [body] : body.split("\n").map((line) => line.replace(/^data:\s*/, ""));
  let found: number | null = null;
  for (const candidate of candidates) {
    if (!candidate.trim().startsWith("{")) continue;
    try {
      const parsed: unknown = JSON.parse(candidate);
      const tokens = readTokens(parsed);
      if (tokens !== null) found = tokens;
    } catch {
      // A partial or non-JSON line in a stream: not a usage record.
    }
  }
  return found;
}

function readTokens(value: unknown): number | null {
  if (typeof value !== "object" || value === null) return null;
  const record = value as Record<string, unknown>;
  if (typeof record.prompt_eval_count === "number") return record.prompt_eval_count;
  // llama-server's native `/completion`: the final message says how many prompt tokens it evaluated.
  if (typeof record.tokens_evaluated === "number") return record.tokens_evaluated;
  const usage = record.usage;
  if (typeof usage === "object" && usage !== null) {
    const prompt = (usage as Record<string, unknown>).prompt_tokens;
    if (typeof prompt === "number") return prompt;
  }
  return null;
}
