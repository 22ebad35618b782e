import type { HistoryEntry } from "../protocol/history.js";
import type { Observation } from "../protocol/observation.js";
import type { ToolCall } from "../protocol/tool-schemas.js";
import type { TurnRecord } from "../protocol/turn-record.js";
import { callKey } from "../scaffold/detect-loop.js";

/** The history entries of a turn with a valid call: the call (made on `madeOn`), then what it returned. */
export function callEntries(params: {
  turn: TurnRecord;
  call: ToolCall;
  reply: { raw: string; notes: string[] };
  madeOn: number;
  result?: { observation: Observation; workspaceVersion: number };
}): HistoryEntry[] {
  const { turn, call, result } = params;
  const entries: HistoryEntry[] = [
    {
      type: "call",
      turn,
      call,
      raw: params.reply.raw,
      notes: params.reply.notes,
      workspaceVersion: params.madeOn,
      callKey: callKey(call, params.madeOn),
    },
  ];
  if (result) {
    const { observation } = result;
    entries.push({
      type: "observation",
      turn: turn.n,
      tool: call.tool,
      ok: observation.ok,
      content: observation.text,
      readKey: observation.readKey ?? null,
      workspaceVersion: result.workspaceVersion,
      tests: observation.tests,
    });
  }
  return entries;
}
