/** Why the scheduler aborted a running job's signal. */
export type JobAbortKind = "cancelled" | "shutdown" | "deadline";

/**
 * Why the scheduler aborted a running job's signal: `cancelled` (the user cancelled: report it),
 * `shutdown` (the app is stopping: the job goes back to the queue, so say nothing to the user) or
 * `deadline` (the job ran past the app's job deadline: report it, with what to check).
 * Null when the signal has not fired or something else aborted it.
 */
export function jobAbortKind(signal: AbortSignal): JobAbortKind | null {
  if (!signal.aborted) return null;
  const reason: unknown = signal.reason;
  if (reason instanceof Error && "jobAbortKind" in reason) {
    const kind = reason.jobAbortKind;
    if (kind === "cancelled" || kind === "shutdown" || kind === "deadline") return kind;
  }
  return null;
}

/** The abort reason the scheduler uses, readable by `jobAbortKind`. */
export function jobAbortReason(kind: JobAbortKind, message: string): Error {
  return Object.assign(new Error(message), { name: "AbortError", jobAbortKind: kind });
}
