export interface FinishState {
  /** Files written so far. */
  edits: number;
  /** A test command exists. */
  hasTests: boolean;
  /** Workspace version at the last test run, null when tests never ran. */
  testedVersion: number | null;
  /** Current workspace version. */
  version: number;
  /** The last test run passed. */
  lastPassed: boolean | null;
  /** Short description of the last failing run, e.g. "2 failed". */
  lastFailure: string | null;
}

/**
 * The stops layer's judgement of a `finish`: null when it may end the run, else the continuation
 * prompt explaining what is missing. Small models stop because finishing "looks like" the end.
 */
export function checkFinish(state: FinishState): string | null {
  if (state.edits === 0) {
    return "You called finish, but you have not changed any file yet, so the issue is not fixed. Find the code that causes the problem, change it with edit_file or write_file, run the tests, and then call finish.";
  }
  if (!state.hasTests) return null;
  if (state.testedVersion !== state.version) {
    return "You called finish, but you have not run the tests since your last change. Call run_tests first; call finish only when they pass.";
  }
  if (state.lastPassed === false) {
    return `You called finish, but the tests are failing${state.lastFailure ? ` (${state.lastFailure})` : ""}. Read the failure above, fix the code, run the tests again, and call finish when they pass.`;
  }
  return null;
}
