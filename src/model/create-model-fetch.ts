import { Agent, fetch as undiciFetch } from "undici";

/**
 * The fetch live backends use unless one is injected: undici's, on a dispatcher without its
 * own header and body timeouts. Node's built-in fetch gives up after 300 s without response
 * headers or between two body chunks, which Ollama (no headers until the prompt is evaluated)
 * reaches on a slow machine, and which the retry layer then turned into another 300 s wait.
 * Time limits are `guardModelRequest`'s job alone, so they are the ones the user configured.
 * One dispatcher per call: no module-level state; connections are kept alive per backend.
 */
export function createModelFetch(): typeof fetch {
  const dispatcher = new Agent({ headersTimeout: 0, bodyTimeout: 0 });
  return async (input, init) => {
    const url = input instanceof Request ? input.url : input;
    if (init?.body != null && typeof init.body !== "string") throw new TypeError("the model fetch sends only string (JSON) bodies");
    const response = await undiciFetch(url, {
      method: init?.method,
      headers: Object.fromEntries(new Headers(init?.headers)),
      body: init?.body ?? undefined,
      signal: init?.signal ?? undefined,
      dispatcher,
    });
    // The global Response type, so callers never see undici's own classes.
    return new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers: Object.fromEntries(response.headers),
    });
  };
}
