import { describeCall, type HistoryEntry } from "../../protocol/history.js";
import type { ChatMessage } from "../../model/types.js";
import { SUMMARY_INSTRUCTIONS, SUMMARY_SYSTEM } from "../../protocol/layer-messages.js";

export interface CompactionPlan {
  /** History index before which entries are folded into the summary. */
  foldBefore: number;
  /** One line per agent turn up to the fold point, cumulative over earlier summaries. */
  actions: string[];
  /** The request that asks the model for a ≤200-token recap of the newly folded turns. */
  request: ChatMessage[];
}

const TRANSCRIPT_CHARS = 8000;

/**
 * Picks what to fold: everything before the last `keepTurns` agent turns that is not folded yet.
 * Returns null when there is nothing new to fold.
 */
export function planCompaction(params: { history: readonly HistoryEntry[]; keepTurns: number; taskTitle: string }): CompactionPlan | null {
  const { history, keepTurns } = params;
  let previous: Extract<HistoryEntry, { type: "summary" }> | null = null;
  for (const entry of history) if (entry.type === "summary") previous = entry;
  const turnStarts: number[] = [];
  history.forEach((entry, index) => {
    if (entry.type === "call" || entry.type === "invalid") turnStarts.push(index);
  });
  const keepFrom = turnStarts.length > keepTurns ? turnStarts[turnStarts.length - keepTurns] : undefined;
  const foldBefore = keepTurns === 0 ? history.length : keepFrom;
  if (foldBefore === undefined || foldBefore <= (previous?.foldBefore ?? 0)) return null;
  const firstNew = previous?.foldBefore ?? 0;
  const newlyFolded = history.slice(firstNew, foldBefore);
  if (!newlyFolded.some((entry) => entry.type === "call" || entry.type === "invalid")) return null;

  const actions = [...(previous?.actions ?? []), ...actionLines(history, firstNew, foldBefore)];
  const transcript = renderTranscript(newlyFolded);
  const request: ChatMessage[] = [
    { role: "system", content: SUMMARY_SYSTEM },
    {
      role: "user",
      content: [
        `Task: ${params.taskTitle}`,
        previous?.recap ? `\nEarlier notes:\n${previous.recap}` : "",
        `\nWhat the agent did since:\n${transcript}`,
        `\n${SUMMARY_INSTRUCTIONS}`,
      ].join("\n"),
    },
  ];
  return { foldBefore, actions, request };
}

function actionLines(history: readonly HistoryEntry[], from: number, to: number): string[] {
  const lines: string[] = [];
  for (let i = from; i < to; i++) {
    const entry = history[i];
    if (entry?.type === "call") {
      const result = history.slice(i + 1, to).find((next) => next.type === "observation");
      const outcome = result?.type === "observation" ? `${result.ok ? "" : "failed: "}${firstLine(result.content)}` : "";
      lines.push(`- turn ${entry.turn.n}: ${describeCall(entry.call)}${outcome ? ` → ${outcome}` : ""}`);
    } else if (entry?.type === "invalid") {
      lines.push(`- turn ${entry.turn.n}: invalid reply (${entry.turn.error ?? "unusable"})`.slice(0, 160));
    }
  }
  return lines;
}

function renderTranscript(entries: readonly HistoryEntry[]): string {
  const parts: string[] = [];
  for (const entry of entries) {
    if (entry.type === "call") parts.push(`> ${JSON.stringify(entry.call)}`);
    else if (entry.type === "observation") parts.push(entry.content.slice(0, 1200));
    else if (entry.type === "nudge") parts.push(`(note: ${entry.content.slice(0, 300)})`);
  }
  const text = parts.join("\n");
  return text.length > TRANSCRIPT_CHARS ? `…${text.slice(text.length - TRANSCRIPT_CHARS)}` : text;
}

function firstLine(text: string): string {
  const line = text.split("\n")[0] ?? "";
  return line.length > 100 ? `${line.slice(0, 100)}…` : line;
}
