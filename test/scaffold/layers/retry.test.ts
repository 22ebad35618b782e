import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../../../src/protocol/agent-run.js";
import { recoveryPrompt, retryPrompt } from "../../../src/protocol/layer-messages.js";
import type { InvalidReply } from "../../../src/scaffold/layers/layer.js";
import { createRetryLayer } from "../../../src/scaffold/layers/retry.js";
import { invalidTurn, layerRun, ranCall } from "../../helpers/layer-run.js";

const limits = { ...DEFAULT_LIMITS, maxAttempts: 3, backoffMs: 100, temperature: 0.3 };
const error = {
  code: "missing_arg" as const,
  tool: "read_file",
  message: 'read_file needs "path". Example: {"tool":"read_file"}',
};
const reply = (
  attempt: number,
  raw = '{"tool": "read_file", "args": {}}',
): Extract<InvalidReply, { kind: "reply" }> => ({
  kind: "reply",
  error,
  raw,
  problem: null,
  stopped: false,
  attempt,
});

describe("retry layer", () => {
  it("asks again within the turn, showing the bad reply and the error to the requery only, with backoff", async () => {
    const layer = createRetryLayer(limits);
    const run = layerRun();
    const first = await layer.onInvalid?.(reply(0), run);
    expect(first).toEqual({
      kind: "requery",
      messages: [
        { role: "assistant", content: '{"tool": "read_file", "args": {}}' },
        { role: "user", content: retryPrompt(error.message) },
      ],
      temperature: 0.3,
      seed: undefined,
      delayMs: 100,
      interventions: ["retry"],
    });
    expect(run.history).toHaveLength(2);
    expect(await layer.onInvalid?.(reply(1, "other"), run)).toMatchObject({
      kind: "requery",
      delayMs: 200,
      temperature: 0.3,
    });
  });
  it("raises the temperature and changes the seed when the same bad reply comes back, and resets on the next turn", async () => {
    const layer = createRetryLayer(limits);
    const run = layerRun();
    await layer.onInvalid?.(reply(0), run);
    expect(await layer.onInvalid?.(reply(1), run)).toMatchObject({
      kind: "requery",
      temperature: 0.6,
      seed: Math.floor(0.5 * 2 ** 31),
    });
    expect(await layer.onInvalid?.(reply(0), run)).toMatchObject({ temperature: 0.3, seed: undefined });
  });
  it("spends the turn's attempts, then sends one recovery prompt into the history", async () => {
    const verdict = await createRetryLayer(limits).onInvalid?.(reply(2), layerRun());
    expect(verdict).toEqual({
      kind: "feedback",
      text: recoveryPrompt(error.message),
      interventions: ["recovery_prompt"],
    });
  });
  it("ends the run when a second turn is spent before any valid call", async () => {
    const run = layerRun();
    run.history.push(invalidTurn(1, ["retry", "recovery_prompt"]));
    const verdict = await createRetryLayer(limits).onInvalid?.(
      { ...reply(2), problem: "the model returned an empty reply" },
      run,
    );
    expect(verdict).toEqual({
      kind: "exit",
      exit: "format_errors",
      reason: "no valid tool call after 3 attempts, twice: the model returned an empty reply",
      feedback: error.message,
      interventions: [],
    });
  });
  it("gives a new recovery prompt once a valid call came in between", async () => {
    const run = layerRun();
    run.history.push(invalidTurn(1, ["recovery_prompt"]), ...ranCall(2, { tool: "run_tests", args: {} }));
    expect(await createRetryLayer(limits).onInvalid?.(reply(2), run)).toMatchObject({ kind: "feedback" });
  });
  it("leaves a prompt that did not fit to the context layer", async () => {
    expect(
      await createRetryLayer(limits).onInvalid?.({ kind: "overflow", reason: "too long", attempt: 0 }, layerRun()),
    ).toBeUndefined();
  });
});
