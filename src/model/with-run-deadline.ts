import type { ModelBackend } from "./types.js";

/**
 * A backend whose every request carries the time left until `endsAt` (`timeLeftMs`), so a
 * server that stalls cannot hold the run past its wall clock: the loop only checks the clock
 * between turns. The pipeline wraps the model once per run; backends that cannot stall
 * (replay, sim) ignore the field.
 */
export function withRunDeadline(backend: ModelBackend, params: { endsAt: number; now: () => number }): ModelBackend {
  return {
    spec: backend.spec,
    info: (signal) => backend.info(signal),
    complete: (request) => {
      const timeLeftMs = params.endsAt - params.now();
      return backend.complete({ ...request, timeLeftMs: Math.min(timeLeftMs, request.timeLeftMs ?? Number.POSITIVE_INFINITY) });
    },
  };
}
