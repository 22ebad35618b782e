import { describe, expect, it } from "vitest";
import { loopNudge } from "../../../src/protocol/layer-messages.js";
import { createLoopsLayer } from "../../../src/scaffold/layers/loops.js";
import { blockedCall, layerRun, memoryWorkspace, ranCall } from "../../helpers/layer-run.js";

const read = { tool: "read_file" as const, args: { path: "src/sum.js" } };
const search = { tool: "search" as const, args: { pattern: "sum" } };
const finish = { tool: "finish" as const, args: { summary: "done" } };

describe("loops layer", () => {
  it("refuses the third identical call with a warning instead of running it", () => {
    const run = layerRun();
    run.history.push(...ranCall(1, read), ...ranCall(2, read));
    expect(createLoopsLayer().beforeTool?.(read, run)).toEqual({
      kind: "block",
      turn: {
        error: "the same call was made 3 times with no change in between",
        failure_mode: "infinite_loop",
        interventions: ["loop_detected"],
        note: "read_file src/sum.js",
      },
      message: loopNudge([1, 2]),
    });
  });
  it("ends the run on the fifth, counting the refused ones", () => {
    const run = layerRun();
    run.history.push(
      ...ranCall(1, read),
      ...ranCall(2, read),
      blockedCall(3, read, ["loop_detected"]),
      blockedCall(4, read, ["loop_detected"]),
    );
    expect(createLoopsLayer().beforeTool?.(read, run)).toMatchObject({
      kind: "exit",
      exit: "infinite_loop",
      reason: "loop detected: the same call was made 5 times with no change in between (turns 1, 2, 3, 4, 5)",
    });
  });
  it("says so when the repeated call keeps failing", () => {
    const run = layerRun();
    run.history.push(...ranCall(1, read, { ok: false }), ...ranCall(2, read, { ok: false }));
    expect(createLoopsLayer().beforeTool?.(read, run)).toMatchObject({
      turn: { error: "the same failing call was made 3 times" },
    });
  });
  it("treats the same call on changed files as new", () => {
    const run = layerRun({ workspace: memoryWorkspace({ version: 1 }) });
    run.history.push(...ranCall(1, read), ...ranCall(2, read));
    expect(createLoopsLayer().beforeTool?.(read, run)).toEqual({ kind: "run" });
  });
  it("catches two calls alternating (A-B-A-B) by the sixth, as the third of its kind", () => {
    const run = layerRun();
    run.history.push(
      ...ranCall(1, read),
      ...ranCall(2, search),
      ...ranCall(3, read),
      ...ranCall(4, search),
      ...ranCall(5, read),
    );
    const verdict = createLoopsLayer().beforeTool?.(search, run);
    expect(verdict).toMatchObject({ kind: "block", turn: { interventions: ["loop_detected"] } });
    expect(verdict?.kind === "block" && verdict.message).toBe(loopNudge([2, 4]));
  });
  it("does not count a finish the stops layer refused (it never ran)", () => {
    const run = layerRun();
    run.history.push(
      blockedCall(1, finish, ["premature_stop_rejected"]),
      blockedCall(2, finish, ["premature_stop_rejected"]),
    );
    expect(createLoopsLayer().beforeTool?.(finish, run)).toEqual({ kind: "run" });
  });
});
