import { firstSentence } from "./first-sentence.js";

/**
 * Every message the loop and the scaffold layers show the model, as named exports. The simulator
 * (`src/bench/sim/`) recognizes them through these exports, never through copied wording, so a
 * reworded message changes the layer and the simulated model together.
 */

/** retry: the requery inside a turn, after the bad reply (shown to the retry only). */
export function retryPrompt(error: string): string {
  return `${error}\nReply again with one corrected JSON object and nothing else.`;
}

/** retry: once the turn's attempts are spent, the one recovery prompt that enters the history. */
export function recoveryPrompt(error: string): string {
  return `The previous tool call failed because: ${error}\nTry a different approach.`;
}

/** The loop without retry or stops: the terse error naive harnesses give. */
export function terseError(error: string): string {
  return `Error: ${firstSentence(error)}`;
}

/** After a prompt that does not fit the context window, when the run ends on it. */
export const OVERFLOW_FEEDBACK = "The conversation no longer fits the context window.";

/** The turn's error for a prompt that does not fit (the report's `error`). */
export function overflowError(reason: string): string {
  return `the prompt does not fit the context window (${reason})`;
}

/** Why the run ended on a prompt that does not fit, with the fix. */
export function overflowExitReason(reason: string, numCtx: number | null): string {
  return `${overflowError(reason)}: the conversation outgrew num_ctx=${numCtx ?? "?"}; enable the context layer or raise the context window`;
}

/** loops: how a loop warning begins. */
export const LOOP_NUDGE_OPENING = "You already made this exact call";

/** loops: the warning instead of running a repeated call; `turns` are the earlier ones. */
export function loopNudge(turns: readonly number[]): string {
  return `${LOOP_NUDGE_OPENING} (turns ${turns.join(", ")}) and nothing has changed since, so it will give the same result. It was not run again. Try a different approach: read another part of the code, search for something else, or make an edit.`;
}

/** stops: how every rejection of a premature `finish` begins. */
export const FINISH_REJECTED_OPENING = "You called finish, but";

/** stops: `finish` before any file was changed. */
export const FINISH_WITHOUT_EDITS = `${FINISH_REJECTED_OPENING} you have not changed any file yet, so the issue is not fixed. Find the code that causes the problem, change it with edit_file or write_file, run the tests, and then call finish.`;

/** stops: `finish` with changes the tests have not seen. */
export const FINISH_UNTESTED = `${FINISH_REJECTED_OPENING} you have not run the tests since your last change. Call run_tests first; call finish only when they pass.`;

/** stops: how the rejection of a `finish` on failing tests begins. */
export const FINISH_FAILING_OPENING = `${FINISH_REJECTED_OPENING} the tests are failing`;

/** stops: `finish` while the last test run failed; `failure` is e.g. "2 failed". */
export function finishFailing(failure: string | null): string {
  return `${FINISH_FAILING_OPENING}${failure ? ` (${failure})` : ""}. Read the failure above, fix the code, run the tests again, and call finish when they pass.`;
}

/** scope: the words that mark a write refused for being outside the allowed files. */
export const SCOPE_REFUSAL_MARK = "is not one of the allowed files";

/** scope: why a write is refused (the tool shows it as "Cannot edit: …."). */
export function scopeRefusal(path: string, allowed: readonly string[]): string {
  return `"${path}" ${SCOPE_REFUSAL_MARK} (${allowed.join(", ")}); change only those`;
}

/** scope: the words that mark a failed edit whose text is in another file. */
export const CROSS_FILE_MARK = "but it occurs in";

/** scope: put before a failed edit's message when its `old_text` is found in other files. */
export function crossFileHint(path: string, elsewhere: readonly string[]): string {
  return `old_text is not in ${path}, ${CROSS_FILE_MARK} ${elsewhere.join(", ")}. Check that you are editing the right file.`;
}

/** context: the system message of a scrollback summary request. */
export const SUMMARY_SYSTEM =
  "You write short progress notes for a coding agent that will continue the work. Plain text, no JSON, no markdown headings.";

/** context: what the summary request asks for, after the transcript. */
export const SUMMARY_INSTRUCTIONS =
  "Write at most 150 words: what was learned (exact file names, line numbers, the cause of the problem), what was changed, what the last test run showed, and what is left to do.";
