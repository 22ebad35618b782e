import type { HistoryEntry } from "../../protocol/history.js";
import type { ChatMessage } from "../../model/types.js";
import { backReference, observationMessage, progressMessage, repairNote } from "../../protocol/history-messages.js";

/**
 * The model's view of the history. Without the context layer: every entry verbatim. With it: the
 * latest summary replaces everything before its fold point, and a read whose result is already
 * visible (same file and range, nothing written since) is shown as a back-reference. Both change
 * only at summary points, so between them each prompt extends the previous one and the server's
 * KV cache is reused.
 */
export function buildPrompt(params: { history: readonly HistoryEntry[]; context: boolean }): ChatMessage[] {
  const { history, context } = params;
  const messages: ChatMessage[] = [];
  let summary: Extract<HistoryEntry, { type: "summary" }> | null = null;
  if (context) {
    for (const entry of history) if (entry.type === "summary") summary = entry;
  }
  const seenReads = new Map<string, number>();
  history.forEach((entry, index) => {
    if (entry.type === "system") {
      messages.push({ role: "system", content: entry.content });
      return;
    }
    if (entry.type === "task") {
      messages.push({ role: "user", content: entry.content });
      if (summary) messages.push({ role: "user", content: progressMessage(summary.recap, summary.actions) });
      return;
    }
    if (summary && index < summary.foldBefore) return;
    switch (entry.type) {
      case "reinject":
        messages.push({ role: "system", content: entry.content });
        return;
      case "call":
        messages.push({ role: "assistant", content: JSON.stringify(entry.call) });
        if (entry.notes.length > 0) messages.push({ role: "user", content: repairNote(entry.notes) });
        return;
      case "invalid":
        messages.push({ role: "assistant", content: entry.raw });
        messages.push({ role: "user", content: entry.feedback });
        return;
      case "observation": {
        const key = entry.readKey !== null ? `${entry.readKey}@${entry.workspaceVersion}` : null;
        const earlier = key !== null && context ? seenReads.get(key) : undefined;
        if (earlier !== undefined) {
          messages.push({ role: "user", content: backReference(entry.tool, earlier) });
          return;
        }
        if (key !== null) seenReads.set(key, entry.turn);
        messages.push({ role: "user", content: observationMessage(entry.tool, entry.content) });
        return;
      }
      case "nudge":
        messages.push({ role: "user", content: entry.content });
        return;
      case "summary":
        return;
    }
  });
  return messages;
}
