import { describe, expect, it } from "vitest";
import { ModelError } from "../../../src/model/model-error.js";
import { DEFAULT_LIMITS } from "../../../src/protocol/agent-run.js";
import type { HistoryEntry } from "../../../src/protocol/history.js";
import { backReference, observationMessage, progressMessage } from "../../../src/protocol/history-messages.js";
import { OVERFLOW_FEEDBACK, overflowExitReason, SUMMARY_INSTRUCTIONS } from "../../../src/protocol/layer-messages.js";
import { createContextLayer } from "../../../src/scaffold/layers/context.js";
import { layerRun, ranCall } from "../../helpers/layer-run.js";
import { scriptedModel } from "../../helpers/scripted-model.js";

const limits = { ...DEFAULT_LIMITS, summarizeEvery: 3, keepTurns: 1, contextBudget: 100_000 };
const read = (path: string) => ({ tool: "read_file" as const, args: { path } });
const reads = (count: number): HistoryEntry[] =>
  Array.from({ length: count }, (_, i) => ranCall(i + 1, read(`src/f${i}.js`), { text: `f${i} body` })).flat();
const overflow = { kind: "overflow" as const, reason: "the input length exceeds the context length", attempt: 0 };

describe("context layer", () => {
  it("shows a read whose result is already visible as a back-reference", () => {
    const history = [
      ...layerRun().history,
      ...ranCall(1, read("src/sum.js"), { text: "1 | a" }),
      ...ranCall(2, read("src/sum.js"), { text: "1 | a" }),
    ];
    history.forEach((entry) => {
      if (entry.type === "observation") entry.readKey = "read:src/sum.js:all";
    });
    const view = createContextLayer(limits).view?.(history) ?? [];
    expect(view.at(-1)?.content).toBe(backReference("read_file", 1));
    expect(view.filter((m) => m.content.includes("1 | a"))).toHaveLength(1);
  });
  it("every N agent turns folds all but the last kept turns into a recap the model writes", async () => {
    const model = scriptedModel(["sum.js subtracts."]);
    const layer = createContextLayer(limits);
    const run = layerRun({ model });
    for (let turn = 0; turn < 3; turn++) expect(await layer.beforeQuery?.(run)).toEqual([]);
    run.history.push(...reads(3));
    await layer.beforeQuery?.(run);
    const summary = run.history.at(-1);
    expect(summary).toMatchObject({
      type: "summary",
      recap: "sum.js subtracts.",
      foldBefore: 6,
      turn: { n: 4, kind: "summary", interventions: ["summarized"] },
    });
    expect(model.requests[0]).toMatchObject({ purpose: "summary", maxTokens: 320 });
    expect(model.requests[0]?.messages.at(-1)?.content).toContain(SUMMARY_INSTRUCTIONS);
    const view = layer.view?.(run.history) ?? [];
    expect(view[2]?.content).toBe(
      progressMessage("sum.js subtracts.", summary?.type === "summary" ? summary.actions : []),
    );
    expect(view.some((m) => m.content === observationMessage("read_file", "f0 body"))).toBe(false);
    expect(view.some((m) => m.content === observationMessage("read_file", "f2 body"))).toBe(true);
  });
  it("summarizes as soon as the prompt is over the budget", async () => {
    const model = scriptedModel(["recap"]);
    const run = layerRun({ model });
    run.history.push(...reads(3));
    await createContextLayer({ ...limits, summarizeEvery: 100, contextBudget: 10 }).beforeQuery?.(run);
    expect(model.requests).toHaveLength(1);
    expect(run.history.at(-1)?.type).toBe("summary");
  });
  it("shrinks a prompt that did not fit and asks the turn again, twice, then ends the run", async () => {
    const model = scriptedModel(["recap one", "recap two"]);
    const layer = createContextLayer(limits);
    const run = layerRun({ model });
    run.history.push(...reads(3));
    await layer.beforeQuery?.(run);
    expect(await layer.onInvalid?.(overflow, run)).toEqual({ kind: "reask", interventions: ["truncation_detected"] });
    expect(run.history.at(-1)).toMatchObject({ type: "summary", foldBefore: 6 });
    expect(await layer.onInvalid?.(overflow, run)).toEqual({ kind: "reask", interventions: ["truncation_detected"] });
    expect(run.history.at(-1)).toMatchObject({ type: "summary", foldBefore: 9 });
    expect(await layer.onInvalid?.(overflow, run)).toEqual({
      kind: "exit",
      exit: "context_overflow",
      reason: overflowExitReason(overflow.reason, 32768),
      feedback: OVERFLOW_FEEDBACK,
      interventions: ["truncation_detected"],
    });
  });
  it("ends the run when there is nothing left to fold", async () => {
    expect(await createContextLayer(limits).onInvalid?.(overflow, layerRun())).toMatchObject({
      kind: "exit",
      exit: "context_overflow",
    });
  });
  it("leaves unusable replies to the other layers, and lets a failed summary call end the turn", async () => {
    const error = { code: "no_call" as const, tool: null, message: "no call" };
    expect(
      await createContextLayer(limits).onInvalid?.(
        { kind: "reply", error, raw: "", problem: null, stopped: true, attempt: 0 },
        layerRun(),
      ),
    ).toBeUndefined();
    const run = layerRun({ model: scriptedModel([() => new ModelError("unreachable", "down", "start it")]) });
    run.history.push(...reads(3));
    await expect(createContextLayer({ ...limits, summarizeEvery: 0 }).beforeQuery?.(run)).rejects.toThrow("down");
  });
});
