/**
 * Why the scheduler aborted a running job's signal: `cancelled` (the user cancelled: report it) or
 * `shutdown` (the app is stopping: the job goes back to the queue, so say nothing to the user).
 * Null when the signal has not fired or something else aborted it.
 */
export function jobAbortKind(signal: AbortSignal): "cancelled" | "shutdown" | null {
  if (!signal.aborted) return null;
  const reason: unknown = signal.reason;
  if (reason instanceof Error && "jobAbortKind" in reason) {
    const kind = reason.jobAbortKind;
    if (kind === "cancelled" || kind === "shutdown") return kind;
  }
  return null;
}
