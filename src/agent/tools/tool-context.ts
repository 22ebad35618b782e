import type { TestSummary } from "../../report/report-schema.js";
import type { Workspace } from "../../workspace/create-workspace.js";

/** One run of the repository's test command, as the tools and the report see it. */
export interface TestRun {
  summary: TestSummary;
  /** Combined output, already capped by the runner. */
  output: string;
}

/** Runs the test command in the (sandboxed) runner; absent when the task has no test command. */
export type RunTests = (signal?: AbortSignal) => Promise<TestRun>;

export interface ToolContext {
  workspace: Workspace;
  runTests: RunTests | null;
  /** Scope layer: a failed edit says which other file holds `old_text`. */
  crossFileHint: boolean;
  /** Observation size cap in characters (head + tail kept). */
  maxObservationChars: number;
  /** Environment for host-side helpers (git grep); injected, never read from globals. */
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

export interface Observation {
  /** The tool did what was asked. Errors are observations for the model, never exceptions. */
  ok: boolean;
  text: string;
  /** Repo-relative path written, when the tool changed a file. */
  wrote?: string;
  /** The test run, for `run_tests`. */
  tests?: TestRun;
  /** For reads: what was read, so the context layer can de-duplicate repeated reads. */
  readKey?: string;
  /** Why the call was refused by scope (allowed files) or found in another file: a wrong-file edit. */
  wrongFile?: boolean;
}
