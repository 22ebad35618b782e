import { isTransientModelError } from "../model/model-error.js";
import type { ModelBackend, ModelReply, ModelRequest } from "../model/types.js";

const TRIES = 3;

/** One model call, tried again (after 2 s, then 4 s) when the server failed in a way that passes (unreachable, 5xx). */
export async function completeWithRetries(
  model: ModelBackend,
  request: ModelRequest,
  sleep: (ms: number) => Promise<void>,
): Promise<ModelReply> {
  for (let tries = 1; ; tries++) {
    try {
      return await model.complete(request);
    } catch (error) {
      if (!isTransientModelError(error) || tries >= TRIES || request.signal?.aborted) throw error;
      await sleep(1000 * 2 ** tries);
    }
  }
}
