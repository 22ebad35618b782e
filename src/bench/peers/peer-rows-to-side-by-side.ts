import type { PeerRow } from "./run-peers.js";
import type { SideBySideRow } from "./render-side-by-side.js";

/** Peer rows as side-by-side rows; a peer that did not install has one "not run" entry per task. */
export function peerRowsToSideBySide(rows: readonly PeerRow[], taskIds: readonly string[]): SideBySideRow[] {
  return rows.map((row) => ({
    harness: row.name,
    version: `${row.pypi} ${row.version}`,
    settings: `${row.settings}${row.install ? `; installed ${row.install.at} in ${(row.install.ms / 1000).toFixed(0)} s${row.install.reused ? " (reused from the cache)" : ""}` : ""}`,
    runs:
      row.installError !== null
        ? taskIds.map((task) => ({ task, completed: false, failure: "not_run", calls: null, promptTokens: null, wallMs: null, detail: `install failed: ${row.installError}` }))
        : row.runs.map((run) => ({
            task: run.task,
            completed: run.completed,
            failure: run.failure,
            calls: run.calls,
            promptTokens: run.promptTokens,
            wallMs: run.wallMs,
            detail: `${run.ending}: ${run.detail}${run.uncountedCalls > 0 ? ` (${run.uncountedCalls} calls without a token count)` : ""}${run.filesChanged.length > 0 ? `; changed ${run.filesChanged.join(", ")}` : ""}`,
          })),
  }));
}
