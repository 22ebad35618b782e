import type { HistoryEntry } from "../protocol/history.js";
import { lastTestRun } from "../protocol/history.js";
import { FINISH_UNTESTED, FINISH_WITHOUT_EDITS, finishFailing } from "../protocol/layer-messages.js";
import type { TestRun } from "../protocol/observation.js";

/**
 * Is a `finish` premature? Null when it may end the run, else the continuation prompt saying
 * what is missing: no file changed, changes the tests have not seen, or failing tests. Small
 * models stop because finishing "looks like" the end. The stops layer refuses such a finish;
 * without it the loop still records the turn as a premature stop.
 */
export function checkFinish(params: {
  history: readonly HistoryEntry[];
  /** Files written so far. */
  edits: number;
  /** The workspace version now. */
  version: number;
  /** A test command exists. */
  hasTests: boolean;
}): string | null {
  if (params.edits === 0) return FINISH_WITHOUT_EDITS;
  if (!params.hasTests) return null;
  const last = lastTestRun(params.history);
  if (!last || last.workspaceVersion !== params.version) return FINISH_UNTESTED;
  if (!last.tests.summary.passed) return finishFailing(failureText(last.tests));
  return null;
}

function failureText(run: TestRun): string {
  const { summary } = run;
  if (summary.timed_out) return "timed out";
  return summary.failed_count !== null ? `${summary.failed_count} failed` : `exit ${summary.exit_code ?? "killed"}`;
}
