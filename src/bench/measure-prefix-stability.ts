import type { ChatMessage } from "../model/types.js";
import type { TurnRecord } from "../report/report-schema.js";
import type { LoggedRequest } from "./with-request-log.js";

export interface PrefixStability {
  /** Agent turns after the first. */
  turns: number;
  /** Of those, turns whose prompt starts with the whole previous turn's prompt. */
  extended: number;
  /** Turns that did not, right after a scrollback summary (expected: the summary rewrites the history). */
  brokenBySummary: number;
}

/**
 * Of the agent turns after the first, how many sent a prompt that starts with the whole prompt of
 * the turn before (message for message), so a model server's KV cache covers everything already
 * evaluated. Each turn's prompt is its first model call; retries inside a turn add temporary
 * messages on top of it and are not turns. The agent requests of the log are matched to the
 * report's agent turns through their attempt counts.
 */
export function measurePrefixStability(params: { requests: readonly LoggedRequest[]; turns: readonly TurnRecord[] }): PrefixStability {
  const agentRequests = params.requests.filter((request) => request.purpose === "agent");
  const prompts: { messages: readonly ChatMessage[]; afterSummary: boolean }[] = [];
  let at = 0;
  let summarySince = false;
  for (const turn of params.turns) {
    if (turn.kind === "summary") {
      summarySince = true;
      continue;
    }
    const first = agentRequests[at];
    if (!first) break;
    prompts.push({ messages: first.messages, afterSummary: summarySince });
    summarySince = false;
    at += Math.max(1, turn.attempts.length);
  }
  let extended = 0;
  let brokenBySummary = 0;
  for (let i = 1; i < prompts.length; i++) {
    const current = prompts[i];
    const previous = prompts[i - 1];
    if (!current || !previous) continue;
    if (startsWith(current.messages, previous.messages)) extended++;
    else if (current.afterSummary) brokenBySummary++;
  }
  return { turns: Math.max(0, prompts.length - 1), extended, brokenBySummary };
}

function startsWith(messages: readonly ChatMessage[], prefix: readonly ChatMessage[]): boolean {
  if (prefix.length > messages.length) return false;
  return prefix.every((message, i) => messages[i]?.role === message.role && messages[i]?.content === message.content);
}
