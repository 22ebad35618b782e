import { guardModelRequest, type GuardModelRequestParams, type ModelRequestGuard } from "./guard-model-request.js";
import type { ModelError } from "./model-error.js";

/**
 * The one call a backend wraps a model request in: `guardModelRequest` plus the try/catch/finally
 * every backend needs. Inside, use `guard.fetch` for the request's fetches and `guard.text` for
 * each piece of text as it arrives; errors the guard did not cause go through `mapError`.
 *
 * ```ts
 * return withModelRequestGuard({ server, stallHint, limits, fetch, signal, timeLeftMs, maxTokens },
 *   async (guard) => readReply(await guard.fetch(url, init), guard.text),
 *   (error) => toMyBackendError(error));
 * ```
 */
export async function withModelRequestGuard<T>(
  params: GuardModelRequestParams,
  run: (guard: ModelRequestGuard) => Promise<T>,
  mapError: (error: unknown) => ModelError | Promise<ModelError>,
): Promise<T> {
  const guard = guardModelRequest(params);
  try {
    return await run(guard);
  } catch (error) {
    throw guard.failure() ?? (await mapError(error));
  } finally {
    guard.end();
  }
}
