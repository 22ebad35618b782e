import type { ToolCall } from "../protocol/tool-schemas.js";

export interface CallRecord {
  /** Tool + canonical args + workspace version: the same key means the same call on the same files. */
  key: string;
  /** The turn it was made in. */
  turn: number;
  /** The call failed (tool error or refused). */
  failed: boolean;
}

export type LoopVerdict =
  | { kind: "none" }
  /** Tell the model and do not run the call again. */
  | { kind: "warn"; reason: string; turns: number[] }
  /** Stop the run as `infinite_loop`. */
  | { kind: "stop"; reason: string; turns: number[] };

const WARN_AT = 3;
const STOP_AT = 5;
/** Calls looked at: the most recent ones only. */
export const LOOP_WINDOW = 12;

/**
 * OpenHands' stuck patterns and Cline's identical-call counter, made deterministic: the same call
 * with the same files 3 times (or failing 3 times) → warn; 5 times → stop. Checked before the call
 * runs, with `next` being the call about to run. OpenHands' A-B-A-B-over-6 rule needs no code of
 * its own here: in an alternation the fifth call is the third of its kind, so this counter warns
 * there, a call before a six-call rule could (such a rule never fired: deleting it left every test
 * green, and test/scaffold/detect-loop.test.ts shows the fifth call caught).
 */
export function detectLoop(params: { previous: readonly CallRecord[]; next: { key: string; turn: number } }): LoopVerdict {
  const recent = params.previous.slice(-LOOP_WINDOW);
  const same = recent.filter((record) => record.key === params.next.key);
  const count = same.length + 1;
  const turns = [...same.map((record) => record.turn), params.next.turn];
  if (count >= STOP_AT) return { kind: "stop", reason: `the same call was made ${count} times with no change in between`, turns };
  if (count >= WARN_AT) {
    const failing = same.every((record) => record.failed);
    return {
      kind: "warn",
      reason: failing ? `the same failing call was made ${count} times` : `the same call was made ${count} times with no change in between`,
      turns,
    };
  }
  return { kind: "none" };
}

/** Tool, canonical arguments and workspace version: the same key means the same call on the same files. */
export function callKey(call: ToolCall, version: number): string {
  return `${call.tool}${canonicalJson(call.args)}@${version}`;
}

/** Canonical JSON (sorted keys) so that argument order does not hide a repeat. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      // One object's keys are distinct, so there is no tie to order.
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
