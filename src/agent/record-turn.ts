import { nextTurnNumber } from "../protocol/history.js";
import type { TurnRecord } from "../protocol/turn-record.js";
import { noteReplyFamilies } from "../scaffold/note-reply-families.js";
import type { TurnQuery } from "./ask-for-call.js";
import type { AgentRun } from "./open-run.js";

/** An agent turn's report row: the query's attempts and interventions, with what happened to the call. */
export function recordTurn(
  run: AgentRun,
  query: TurnQuery,
  fields: Partial<TurnRecord> & { valid: boolean },
): TurnRecord {
  const { attempts } = query;
  return {
    n: nextTurnNumber(run.history),
    kind: "agent",
    raw_valid: query.rawValid,
    tool: null,
    error: null,
    failure_mode: null,
    prompt_tokens: attempts.reduce((total, attempt) => total + attempt.prompt_tokens, 0),
    completion_tokens: attempts.reduce((total, attempt) => total + attempt.completion_tokens, 0),
    latency_ms: attempts.reduce((total, attempt) => total + attempt.latency_ms, 0),
    attempts,
    ...fields,
    interventions: [...new Set([...query.interventions, ...(fields.interventions ?? [])])],
    note: noteReplyFamilies(fields.note ?? null, query.families),
  };
}
