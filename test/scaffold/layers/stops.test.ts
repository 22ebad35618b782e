import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../../../src/protocol/agent-run.js";
import { FINISH_UNTESTED, FINISH_WITHOUT_EDITS, finishFailing } from "../../../src/protocol/layer-messages.js";
import type { InvalidReply } from "../../../src/scaffold/layers/layer.js";
import { createStopsLayer } from "../../../src/scaffold/layers/stops.js";
import { invalidTurn, layerRun, memoryWorkspace, ranCall, testRun } from "../../helpers/layer-run.js";

const limits = { ...DEFAULT_LIMITS, maxFinishRejections: 2, maxAttempts: 3 };
const finish = { tool: "finish" as const, args: { summary: "done" } };
const tests = { tool: "run_tests" as const, args: {} };
const edited = () => memoryWorkspace({ version: 1, written: ["src/sum.js"] });
const empty: InvalidReply = {
  kind: "reply",
  error: { code: "empty", tool: null, message: "Your reply was empty. The task is not finished." },
  raw: "",
  problem: "the model returned an empty reply",
  stopped: true,
  attempt: 0,
};

describe("stops layer", () => {
  it("refuses a finish before any file changed, with the continuation prompt", () => {
    expect(createStopsLayer(limits).beforeTool?.(finish, layerRun())).toEqual({
      kind: "block",
      turn: {
        error: "You called finish, but you have not changed any file yet, so the issue is not fixed.",
        failure_mode: "premature_stop",
        interventions: ["premature_stop_rejected"],
        note: "finish rejected",
      },
      message: FINISH_WITHOUT_EDITS,
    });
  });
  it("refuses a finish on changes the tests have not seen, or on failing tests", () => {
    const untested = layerRun({ workspace: edited() });
    untested.history.push(...ranCall(1, tests, { tests: testRun(true), version: 0 }));
    expect(createStopsLayer(limits).beforeTool?.(finish, untested)).toMatchObject({
      kind: "block",
      message: FINISH_UNTESTED,
    });
    const failing = layerRun({ workspace: edited() });
    failing.history.push(...ranCall(1, tests, { tests: testRun(false, 2), version: 1 }));
    expect(createStopsLayer(limits).beforeTool?.(finish, failing)).toMatchObject({
      kind: "block",
      message: finishFailing("2 failed"),
    });
  });
  it("lets a finish through on passing tests, or on changes when there is no test command", () => {
    const passing = layerRun({ workspace: edited() });
    passing.history.push(...ranCall(1, tests, { tests: testRun(true), version: 1 }));
    expect(createStopsLayer(limits).beforeTool?.(finish, passing)).toEqual({ kind: "run" });
    expect(createStopsLayer(limits).beforeTool?.(finish, layerRun({ workspace: edited(), hasTests: false }))).toEqual({
      kind: "run",
    });
    expect(
      createStopsLayer(limits).beforeTool?.({ tool: "answer", args: { text: "a" } }, layerRun({ question: true })),
    ).toEqual({ kind: "run" });
    expect(createStopsLayer(limits).beforeTool?.(tests, layerRun())).toEqual({ kind: "run" });
  });
  it("names why the last test run failed: timed out, a failure count, an exit code, or killed", () => {
    const failedWith = (summary: Partial<ReturnType<typeof testRun>["summary"]>) => {
      const run = layerRun({ workspace: edited() });
      const base = testRun(false);
      run.history.push(
        ...ranCall(1, tests, { tests: { ...base, summary: { ...base.summary, ...summary } }, version: 1 }),
      );
      return createStopsLayer(limits).beforeTool?.(finish, run);
    };
    expect(failedWith({ timed_out: true, failed_count: null, exit_code: null })).toMatchObject({
      message: finishFailing("timed out"),
    });
    expect(failedWith({ failed_count: 4 })).toMatchObject({ message: finishFailing("4 failed") });
    expect(failedWith({ failed_count: null, exit_code: 2 })).toMatchObject({ message: finishFailing("exit 2") });
    expect(failedWith({ failed_count: null, exit_code: null })).toMatchObject({
      message: finishFailing("exit killed"),
    });
  });
  it("leaves a question task's finish alone: only a change task must have edited and tested", () => {
    expect(createStopsLayer(limits).beforeTool?.(finish, layerRun({ question: true }))).toEqual({ kind: "run" });
  });
  it("ends the run failed after the third premature finish", () => {
    const layer = createStopsLayer(limits);
    const run = layerRun();
    layer.beforeTool?.(finish, run);
    layer.beforeTool?.(finish, run);
    expect(layer.beforeTool?.(finish, run)).toMatchObject({
      kind: "exit",
      exit: "premature_stop",
      reason:
        "finish was called too early 3 times: You called finish, but you have not changed any file yet, so the issue is not fixed.",
    });
  });
  it("answers an empty or prose reply with the continuation message until it happens three times in a row", async () => {
    const layer = createStopsLayer(limits);
    const run = layerRun();
    expect(await layer.onInvalid?.(empty, run)).toEqual({
      kind: "feedback",
      text: empty.kind === "reply" ? empty.error.message : "",
      interventions: ["premature_stop_rejected"],
    });
    run.history.push(invalidTurn(1), invalidTurn(2));
    expect(await layer.onInvalid?.(empty, run)).toMatchObject({
      kind: "exit",
      exit: "premature_stop",
      reason: "the model stopped replying with tool calls: the model returned an empty reply",
      interventions: ["premature_stop_rejected"],
    });
  });
  it("leaves a malformed call (not a stop) and an overflow to the others", async () => {
    const layer = createStopsLayer(limits);
    expect(await layer.onInvalid?.({ ...empty, stopped: false }, layerRun())).toBeUndefined();
    expect(await layer.onInvalid?.({ kind: "overflow", reason: "x", attempt: 0 }, layerRun())).toBeUndefined();
  });
});
