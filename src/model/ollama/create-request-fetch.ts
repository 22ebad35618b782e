/**
 * A fetch bound to one model request. The `ollama` client can only cancel *streamed* requests,
 * and only all of a client's at once (`abort()`), so each request gets a client whose fetch
 * also listens to that request's own signal: cancellation then works per request, streamed or
 * not, and reaches the server as a closed connection.
 *
 * It also rewrites non-JSON error bodies (a proxy's HTML page, Go's plain "404 page not found")
 * into Ollama's `{"error": …}` shape, because the client would otherwise `console.log` while
 * reading them; the status code is kept.
 */
export function createRequestFetch(base: typeof fetch, signal: AbortSignal | undefined): typeof fetch {
  return async (input, init) => {
    const signals = [init?.signal, signal].filter((s): s is AbortSignal => s != null);
    const combined = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    const response = await base(input, { ...init, signal: combined });
    if (response.ok || response.headers.get("content-type")?.includes("application/json")) return response;
    const text = (await response.text()).trim();
    return new Response(JSON.stringify({ error: text || `${response.status} ${response.statusText}`.trim() }), {
      status: response.status,
      statusText: response.statusText,
      headers: { "content-type": "application/json" },
    });
  };
}
