import type { HistoryEntry } from "../protocol/history.js";
import { nextTurnNumber } from "../protocol/history.js";
import type { ToolCall } from "../protocol/tool-schemas.js";
import { type CallRecord, canonicalJson, detectLoop, type LoopVerdict } from "./detect-loop.js";

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

function callRecords(history: readonly HistoryEntry[]): CallRecord[] {
  const records: CallRecord[] = [];
  history.forEach((entry, index) => {
    if (entry.type !== "call") return;
    const key = callKey(entry.call, entry.workspaceVersion);
    if (entry.turn.interventions.includes("loop_detected")) {
      records.push({ key, turn: entry.turn.n, failed: true });
      return;
    }
    // A call that ran is followed by its result.
    const result = history[index + 1];
    if (result?.type === "observation" && result.turn === entry.turn.n)
      records.push({ key, turn: entry.turn.n, failed: !result.ok });
  });
  return records;
}

/** Tool, canonical arguments and workspace version: the same key means the same call on the same files. */
function callKey(call: ToolCall, version: number): string {
  return `${call.tool}${canonicalJson(call.args)}@${version}`;
}
