import type { ChatMessage } from "../../model/types.js";
import { readObservation } from "../../protocol/history-messages.js";
import { FINISH_REJECTED_OPENING, LOOP_NUDGE_OPENING } from "../../protocol/layer-messages.js";

/** What followed the simulated model's previous reply, as the prompt shows it. */
export type Feedback =
  /** No reply of the model is visible yet (first turn, or everything was folded into a summary). */
  | { kind: "start" }
  /** The reply ran as a tool call: the tool's result. */
  | { kind: "observation"; tool: string; text: string }
  /** The reply was rejected; `specific` when the message shows an example call to copy. */
  | { kind: "error"; specific: boolean; text: string }
  /** The loop detector refused to run the call again. */
  | { kind: "loop_warning"; text: string }
  /** A `finish` was refused (tests not run, failing, or nothing changed). */
  | { kind: "finish_rejected"; text: string };

export interface Situation {
  feedback: Feedback;
  /** Replies of the model since the tool schemas were last shown (system prompt or re-injection). */
  turnsSinceSchema: number;
  /** The model's own unusable replies still visible in the prompt: bad examples it may imitate. */
  visibleInvalid: number;
  /** Characters of the whole prompt. */
  chars: number;
}

/**
 * Reads the simulated model's situation from the prompt alone, the way a model would: the
 * messages after its last reply say whether the call ran (a `[tool result]`), was refused, or
 * was answered with an error, and how specific that error is.
 */
export function readSituation(messages: readonly ChatMessage[]): Situation {
  let lastAssistant = -1;
  let lastSystem = -1;
  let visibleInvalid = 0;
  let chars = 0;
  messages.forEach((message, index) => {
    chars += message.content.length;
    if (message.role === "system") lastSystem = index;
    if (message.role === "assistant") {
      lastAssistant = index;
      if (!isCallJson(message.content)) visibleInvalid++;
    }
  });
  const turnsSinceSchema = messages.slice(lastSystem + 1).filter((message) => message.role === "assistant").length;
  const after = lastAssistant < 0 ? [] : messages.slice(lastAssistant + 1).filter((message) => message.role !== "system");
  return { feedback: classify(lastAssistant, after), turnsSinceSchema, visibleInvalid, chars };
}

function classify(lastAssistant: number, after: readonly ChatMessage[]): Feedback {
  if (lastAssistant < 0) return { kind: "start" };
  for (const message of after) {
    const observation = readObservation(message.content);
    if (observation) return { kind: "observation", ...observation };
  }
  const text = after.map((message) => message.content).join("\n");
  // The layers' messages, recognized by the words they are built from (src/protocol/layer-messages.ts).
  if (text.includes(LOOP_NUDGE_OPENING)) return { kind: "loop_warning", text };
  if (text.split("\n").some((line) => line.startsWith(FINISH_REJECTED_OPENING))) return { kind: "finish_rejected", text };
  // An example call to copy, or a full explanation of the cause, is what makes an error message
  // actionable for a small model; a one-line "Error: …" is not.
  return { kind: "error", specific: /"tool"\s*:/.test(text) || text.length > 200, text };
}

function isCallJson(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && typeof (value as { tool?: unknown }).tool === "string";
  } catch {
    return false;
  }
}
