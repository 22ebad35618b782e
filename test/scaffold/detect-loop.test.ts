import { describe, expect, it } from "vitest";
import type { HistoryEntry } from "../../src/protocol/history.js";
import type { ToolCall } from "../../src/protocol/tool-schemas.js";
import { type CallRecord, callKey, canonicalJson, detectLoop } from "../../src/scaffold/detect-loop.js";
import { findLoop } from "../../src/scaffold/find-loop.js";
import { blockedCall, ranCall } from "../helpers/layer-run.js";

const ran = (keys: string, failed = false): CallRecord[] => [...keys].map((key, i) => ({ key, turn: i + 1, failed }));

describe("detectLoop", () => {
  it("lets a call made twice before run, and warns on the third with the turns it repeats", () => {
    expect(detectLoop({ previous: ran("AA"), next: { key: "B", turn: 3 } })).toEqual({ kind: "none" });
    expect(detectLoop({ previous: ran("AB"), next: { key: "A", turn: 3 } })).toEqual({ kind: "none" });
    expect(detectLoop({ previous: ran("AA"), next: { key: "A", turn: 3 } })).toEqual({
      kind: "warn",
      reason: "the same call was made 3 times with no change in between",
      turns: [1, 2, 3],
    });
  });
  it("says the call keeps failing only when every earlier one failed", () => {
    expect(detectLoop({ previous: ran("AA", true), next: { key: "A", turn: 3 } })).toMatchObject({ reason: "the same failing call was made 3 times" });
    const mixed = [...ran("A", true), { key: "A", turn: 2, failed: false }];
    expect(detectLoop({ previous: mixed, next: { key: "A", turn: 3 } })).toMatchObject({ reason: "the same call was made 3 times with no change in between" });
  });
  it("stops on the fifth and warns on the fourth", () => {
    expect(detectLoop({ previous: ran("AAA"), next: { key: "A", turn: 4 } })).toMatchObject({ kind: "warn", turns: [1, 2, 3, 4] });
    expect(detectLoop({ previous: ran("AAAA"), next: { key: "A", turn: 5 } })).toEqual({
      kind: "stop",
      reason: "the same call was made 5 times with no change in between",
      turns: [1, 2, 3, 4, 5],
    });
  });
  it("catches two calls alternating (A-B-A-B) at the fifth call, the third of its kind", () => {
    // Why there is no separate six-call alternation rule: it could only fire after this warning.
    expect(detectLoop({ previous: ran("ABAB"), next: { key: "A", turn: 5 } })).toEqual({
      kind: "warn",
      reason: "the same call was made 3 times with no change in between",
      turns: [1, 3, 5],
    });
  });
  it("looks at the last 12 calls only", () => {
    // Two A's 13 and 12 calls back: the window holds only the later one.
    expect(detectLoop({ previous: ran("AABCDEFGHIJKL"), next: { key: "A", turn: 14 } })).toEqual({ kind: "none" });
    expect(detectLoop({ previous: ran("AABCDEFGHIJK"), next: { key: "A", turn: 13 } })).toMatchObject({ kind: "warn", turns: [1, 2, 13] });
  });
});

describe("callKey", () => {
  it("is the same for the same arguments in any order, and differs by tool, arguments or files", () => {
    const a = callKey({ tool: "search", args: { pattern: "sum", path: "src" } }, 0);
    expect(callKey({ tool: "search", args: { path: "src", pattern: "sum" } }, 0)).toBe(a);
    expect(callKey({ tool: "search", args: { path: "src", pattern: "sun" } }, 0)).not.toBe(a);
    expect(callKey({ tool: "search", args: { path: "src", pattern: "sum" } }, 1)).not.toBe(a);
    expect(a).toBe('search{"path":"src","pattern":"sum"}@0');
  });
  it("sorts keys deeply, keeps array order and drops undefined values", () => {
    expect(canonicalJson({ b: [2, { d: 1, c: null }], a: undefined, e: "x" })).toBe('{"b":[2,{"c":null,"d":1}],"e":"x"}');
    expect(canonicalJson([3, 1])).toBe("[3,1]");
    expect(canonicalJson({ b: 1, a: 2, c: 3 })).toBe('{"a":2,"b":1,"c":3}');
  });
  it("sorts shuffled keys fully (a comparator that answers one way, or ties, leaves them out of order)", () => {
    const sorted = '{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7}';
    expect(canonicalJson({ g: 7, c: 3, a: 1, f: 6, b: 2, e: 5, d: 4 })).toBe(sorted);
    expect(canonicalJson({ d: 4, a: 1, g: 7, b: 2, f: 6, c: 3, e: 5 })).toBe(sorted);
    expect(canonicalJson({ b: 2, g: 7, e: 5, a: 1, d: 4, c: 3, f: 6 })).toBe(sorted);
  });
});

/** findLoop reads the calls off the history: which entries count, and as failed or not. */
describe("findLoop", () => {
  const read = { tool: "read_file" as const, args: { path: "src/sum.js" } };
  it("counts the very first entry of the history when it is a call", () => {
    const history = [...ranCall(1, read), ...ranCall(2, read)];
    expect(findLoop(history, read, 0)).toMatchObject({ kind: "warn", reason: "the same call was made 3 times with no change in between", turns: [1, 2, 3] });
  });
  it("counts a call the loops layer refused as a failed one, and a failed result as failed", () => {
    const refused = blockedCall(2, read, ["loop_detected"]);
    const history = [...ranCall(1, read, { ok: false, text: "Cannot read" }), refused];
    expect(findLoop(history, read, 0)).toMatchObject({ kind: "warn", reason: "the same failing call was made 3 times", turns: [1, 2, 3] });
  });
  it("leaves out a call that did not run (no result after it) unless the loops layer refused it", () => {
    const history = [callEntry(1, read), ...ranCall(2, read)];
    expect(findLoop(history, read, 0)).toEqual({ kind: "none" });
  });
});

function callEntry(n: number, call: ToolCall): HistoryEntry {
  const [entry] = ranCall(n, call);
  if (!entry) throw new Error("ranCall made no entry");
  return entry;
}
