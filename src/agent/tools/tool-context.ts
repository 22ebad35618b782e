import type { RunTests } from "../../protocol/observation.js";
import type { Workspace } from "../../workspace/create-workspace.js";

/** What every tool gets: the guarded checkout, the test runner, the size cap, the environment. */
export interface ToolContext {
  workspace: Workspace;
  runTests: RunTests | null;
  /** Observation size cap in characters (head + tail kept). */
  maxObservationChars: number;
  /** Environment for host-side helpers (git grep); injected, never read from globals. */
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}
