import type { HistoryEntry } from "../protocol/history.js";
import { nextTurnNumber } from "../protocol/history.js";
import type { ToolCall } from "../protocol/tool-schemas.js";
import { type CallRecord, callKey, detectLoop, LOOP_WINDOW, type LoopVerdict } from "./detect-loop.js";

/**
 * Would `call`, made now on the files at `version`, repeat earlier calls (detect-loop's
 * patterns)? The calls it compares with are read off the history: every call that ran (failed
 * when its result was an error) and every call the loops layer refused (failed). A `finish`
 * the stops layer rejected is not a call that ran, so it is not one of them.
 */
export function findLoop(history: readonly HistoryEntry[], call: ToolCall, version: number): LoopVerdict {
  return detectLoop({
    previous: callRecords(history),
    next: { key: callKey(call, version), turn: nextTurnNumber(history) },
  });
}

/** The last `LOOP_WINDOW` calls, oldest first (detectLoop looks at no more, so older ones are not keyed). */
function callRecords(history: readonly HistoryEntry[]): CallRecord[] {
  const records: CallRecord[] = [];
  for (let index = history.length - 1; index >= 0 && records.length < LOOP_WINDOW; index--) {
    const entry = history[index];
    if (entry?.type !== "call") continue;
    // A call that ran is followed by its result.
    const result = history[index + 1];
    if (entry.turn.interventions.includes("loop_detected"))
      records.unshift({ key: entry.callKey, turn: entry.turn.n, failed: true });
    else if (result?.type === "observation" && result.turn === entry.turn.n)
      records.unshift({ key: entry.callKey, turn: entry.turn.n, failed: !result.ok });
  }
  return records;
}
