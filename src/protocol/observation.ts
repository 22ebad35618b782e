import type { TestSummary } from "./turn-record.js";

/** One run of the repository's test command, as the tools, the loop and the report see it. */
export interface TestRun {
  summary: TestSummary;
  /** Combined output, already capped by the runner. */
  output: string;
}

/** Runs the test command in the (sandboxed) runner; absent when the task has no test command. */
export type RunTests = (signal?: AbortSignal) => Promise<TestRun>;

/** What a tool call returned: the model sees `text`; the loop and the layers read the rest. */
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
  /** The call was refused by a write guard or its text was found in another file: a wrong-file edit. */
  wrongFile?: boolean;
  /** `edit_file` found no trace of `old_text` in this file (repo-relative): the scope layer looks elsewhere. */
  oldTextMissingFrom?: string;
}
