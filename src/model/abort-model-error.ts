import { ModelError } from "./model-error.js";

/** A request ended by its AbortSignal: a timeout (the reason is a TimeoutError) or a cancel. */
export function abortModelError(params: { signal: AbortSignal; cause: unknown; server: string }): ModelError {
  const reason: unknown = params.signal.reason;
  if (reason instanceof Error && reason.name === "TimeoutError") {
    return new ModelError(
      "timeout",
      `the request to ${params.server} timed out`,
      "a slow model or a long prompt can exceed the time limit; raise it or use a smaller model",
      { cause: params.cause },
    );
  }
  return new ModelError("aborted", `the request to ${params.server} was cancelled`, "", { cause: params.cause });
}
