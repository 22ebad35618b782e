import { describe, expect, it } from "vitest";
import type { Intervention } from "../../../src/protocol/turn-record.js";
import { combineLayers } from "../../../src/scaffold/layers/combine-layers.js";
import type { InvalidReply, InvalidVerdict, Layer, ToolVerdict } from "../../../src/scaffold/layers/layer.js";
import { layerRun } from "../../helpers/layer-run.js";

const invalid: InvalidReply = {
  kind: "reply",
  error: { code: "no_call", tool: null, message: "no call" },
  raw: "done",
  problem: null,
  stopped: true,
  attempt: 0,
};
const feedback = (text: string, ...interventions: Intervention[]): InvalidVerdict => ({
  kind: "feedback",
  text,
  interventions,
});
const exit: InvalidVerdict = { kind: "exit", exit: "format_errors", reason: "spent", feedback: "f", interventions: [] };
const requery: InvalidVerdict = {
  kind: "requery",
  messages: [],
  temperature: 0.3,
  seed: undefined,
  delayMs: 0,
  interventions: ["retry"],
};
const answering = (name: Layer["name"], verdict: InvalidVerdict | undefined, asked: string[] = []): Layer => ({
  name,
  onInvalid: async () => {
    asked.push(name);
    return verdict;
  },
});
const blocking = (name: Layer["name"], verdict: ToolVerdict): Layer => ({ name, beforeTool: () => verdict });
const call = { tool: "run_tests" as const, args: {} };

describe("combineLayers", () => {
  it("stops asking at the first requery", async () => {
    const asked: string[] = [];
    const verdict = await combineLayers([
      answering("retry", requery, asked),
      answering("stops", feedback("go on"), asked),
    ]).onInvalid(invalid, layerRun());
    expect(verdict).toBe(requery);
    expect(asked).toEqual(["retry"]);
  });
  it("lets an exit beat feedback, and merges feedback: the first layer's text, every layer's interventions", async () => {
    expect(
      await combineLayers([
        answering("stops", feedback("go on", "premature_stop_rejected")),
        answering("retry", exit),
      ]).onInvalid(invalid, layerRun()),
    ).toBe(exit);
    const merged = await combineLayers([
      answering("retry", feedback("recover", "recovery_prompt")),
      answering("stops", feedback("go on", "premature_stop_rejected")),
    ]).onInvalid(invalid, layerRun());
    expect(merged).toEqual(feedback("recover", "recovery_prompt", "premature_stop_rejected"));
    expect(await combineLayers([answering("stops", undefined)]).onInvalid(invalid, layerRun())).toBeUndefined();
  });
  it("takes the first verdict other than run before a tool", () => {
    const block: ToolVerdict = {
      kind: "block",
      turn: { error: "e", failure_mode: "infinite_loop", interventions: [], note: "n" },
      message: "m",
    };
    const refuse: ToolVerdict = { kind: "refuse", observation: { ok: false, text: "no" } };
    expect(
      combineLayers([
        blocking("loops", { kind: "run" }),
        blocking("stops", block),
        blocking("scope", refuse),
      ]).beforeTool(call, layerRun()),
    ).toBe(block);
    expect(combineLayers([]).beforeTool(call, layerRun())).toEqual({ kind: "run" });
  });
  it("passes an observation through every afterTool in order and collects their interventions", async () => {
    const marking = (name: Layer["name"], mark: string, intervention: Intervention): Layer => ({
      name,
      afterTool: async (_call, observation) => ({
        observation: { ...observation, text: `${observation.text}${mark}` },
        interventions: [intervention],
      }),
    });
    const reviewed = await combineLayers([
      marking("stops", "+a", "premature_stop_rejected"),
      marking("scope", "+b", "scope_blocked"),
    ]).afterTool(call, { ok: true, text: "t" }, layerRun());
    expect(reviewed).toEqual({
      observation: { ok: true, text: "t+a+b" },
      interventions: ["premature_stop_rejected", "scope_blocked"],
    });
  });
  it("with no layers: the history verbatim, the strict parse, the request as it is", () => {
    const hooks = combineLayers([]);
    const run = layerRun();
    expect(hooks.view(run.history).map((m) => m.role)).toEqual(["system", "user"]);
    expect(hooks.parse({ content: '```json\n{"tool": "run_tests", "args": {}}\n```', latencyMs: 0 }, run).ok).toBe(
      false,
    );
    const request = { messages: [], purpose: "agent" as const };
    expect(hooks.constrain(request, run)).toBe(request);
  });
});
