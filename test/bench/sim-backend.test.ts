import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHANGE_TOOLS, toolCallJsonSchema } from "../../src/protocol/tool-schemas.js";
import { type LoadedTask, loadSuite } from "../../src/bench/load-task.js";
import { materializeTask } from "../../src/bench/materialize-task.js";
import { ModelError } from "../../src/model/model-error.js";
import { createSimBackend, type SimTask } from "../../src/bench/sim/create-sim-backend.js";
import { findSimProfile, SIM_PROFILES, type SimBehaviour, type SimProfile } from "../../src/bench/sim/sim-profiles.js";
import type { ChatMessage, ModelRequest } from "../../src/model/types.js";
import { observationMessage } from "../../src/protocol/history-messages.js";
import { runLocalTask } from "../../src/pipeline/run-local-task.js";
import { parseScaffoldSpec } from "../../src/scaffold/parse-scaffold-spec.js";
import { parseToolReply } from "../../src/scaffold/repair/parse-tool-reply.js";
import { buildTask } from "../../src/task/build-task.js";
import { createPlainRunner } from "../../src/workspace/plain-runner.js";

const TASKS_DIR = fileURLToPath(new URL("../../bench/tasks/", import.meta.url));
const suite = await loadSuite(TASKS_DIR);

/** A profile that never fails unless a test turns a hazard on. */
const PERFECT: SimBehaviour = {
  malformed: 0, driftPerTurn: 0, fixTerse: 1, fixSpecific: 1, stop: 0, loop: 0, loopBreak: 1, loopBreakWarned: 1, wrongFile: 0, notice: 1, detour: 0,
};

function profile(behaviour: Partial<SimBehaviour>): SimProfile {
  const base = findSimProfile("granite-8b-q4");
  if (!base) throw new Error("granite-8b-q4 profile missing");
  return { ...base, name: "test", behaviour: { ...PERFECT, ...behaviour } };
}

function task(id: string): LoadedTask {
  const found = suite.find((t) => t.id === id);
  if (!found) throw new Error(`no task ${id}`);
  return found;
}

function simTask(t: LoadedTask): SimTask {
  return { id: t.id, kind: t.kind, title: t.issue.title, steps: t.solution.steps, decoys: t.decoys, files: t.files };
}

const SYSTEM: ChatMessage = { role: "system", content: "You are a careful engineer. Reply with exactly one JSON object." };
const TASK_MESSAGE: ChatMessage = { role: "user", content: "# Fix the page count\n\nAllowed files: src/paginate.js" };
const constraint = { jsonSchema: toolCallJsonSchema(CHANGE_TOOLS) };

function request(messages: ChatMessage[], extra: Partial<ModelRequest> = {}): ModelRequest {
  return { messages, purpose: "agent", temperature: 0.3, maxTokens: 2048, ...extra };
}

function strictValid(content: string): boolean {
  return parseToolReply({ reply: { content }, tools: CHANGE_TOOLS, repair: false }).rawValid;
}

/** First replies of `runs` independent runs of the same situation. */
async function firstReplies(p: SimProfile, messages: ChatMessage[], runs: number, extra: Partial<ModelRequest> = {}) {
  const out = [];
  for (let run = 0; run < runs; run++) {
    const sim = createSimBackend({ profile: p, spec: "sim:test", task: simTask(task("js-off-by-one-pagination")), run });
    out.push(await sim.complete(request(messages, extra)));
  }
  return out;
}

let tmp: string;
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "sim-backend-"));
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

async function runTask(t: LoadedTask, p: SimProfile, scaffold: string, run = 0) {
  const checkout = await materializeTask({ task: t, into: tmp });
  const built = buildTask({ text: t.issue.text, labels: t.labels });
  if (!built.ok) throw new Error(built.message);
  const layers = parseScaffoldSpec(scaffold);
  if (!layers.ok) throw new Error(layers.message);
  const model = createSimBackend({ profile: p, spec: "sim:test", task: simTask(t), run });
  const env = { ...process.env, PATH: [path.dirname(process.execPath), process.env.PATH ?? ""].join(path.delimiter) };
  return runLocalTask({
    repoDir: checkout, task: built.task, model, testCommand: t.test_command, runner: createPlainRunner({ env }), layers: layers.layers,
    limits: { maxTurns: 12 }, env, clock: { now: () => Date.now(), sleep: async () => undefined }, random: () => 0.5,
  });
}

describe("sim profiles", () => {
  it("carry the published rows they imitate", () => {
    expect(SIM_PROFILES.map((p) => [p.name, p.published.validity, p.published.completed])).toEqual([
      ["granite-8b-q4", 0.847, 28],
      ["granite-8b-q5", 0.892, 32],
      ["qwen-27b-q4", 0.928, 38],
      ["llama-70b-q4", 0.984, 46],
      ["llama-3b-q5", 0.713, 18],
    ]);
  });
});

describe("sim backend", () => {
  it("walks the reference route when nothing goes wrong, and completes the task", async () => {
    const t = task("js-off-by-one-pagination");
    const { report } = await runTask(t, profile({}), "none");
    expect(report.outcome).toBe("completed");
    expect(report.turns.map((turn) => turn.tool)).toEqual(t.solution.steps.map((step) => step.tool));
    expect(report.totals.validity_raw).toBe(1);
  });

  it("replays a run identically, and a different run index plays differently", async () => {
    const t = task("ts-word-count-map");
    const noisy = profile({ malformed: 0.3, detour: 0.3, fixTerse: 0.5 });
    const shape = (r: Awaited<ReturnType<typeof runTask>>) => r.report.turns.map((turn) => [turn.tool, turn.raw_valid, turn.attempts[0]?.error ?? null]);
    const first = await runTask(t, noisy, "none", 3);
    const again = await runTask(t, noisy, "none", 3);
    expect(shape(again)).toEqual(shape(first));
    const others = await Promise.all([4, 5].map((run) => runTask(t, noisy, "none", run)));
    expect(others.some((other) => JSON.stringify(shape(other)) !== JSON.stringify(shape(first)))).toBe(true);
  });

  it("emits the malformed shapes small models emit, and under a grammar only valid calls or cut-off replies", async () => {
    const broken = profile({ malformed: 1 });
    const free = await firstReplies(broken, [SYSTEM, TASK_MESSAGE], 60);
    expect(free.every((reply) => !strictValid(reply.content))).toBe(true);
    const contents = free.map((reply) => reply.content);
    expect(contents.some((c) => c.startsWith("```json"))).toBe(true);
    expect(contents.some((c) => c.includes("'tool':"))).toBe(true);
    expect(contents.some((c) => /"name":"read_file","arguments"/.test(c))).toBe(true);
    expect(contents.some((c) => /"file":/.test(c))).toBe(true);
    // The repair layer recovers many of them: they are near misses, not noise.
    const repaired = contents.filter((content) => parseToolReply({ reply: { content }, tools: CHANGE_TOOLS, repair: true }).ok);
    expect(repaired.length).toBeGreaterThan(contents.length / 3);

    const constrained = await firstReplies(broken, [SYSTEM, TASK_MESSAGE], 60, { constraint });
    for (const reply of constrained) expect(strictValid(reply.content) || reply.doneReason === "length").toBe(true);
    const cut = constrained.filter((reply) => reply.doneReason === "length").length;
    expect(cut).toBeGreaterThan(0);
    expect(cut).toBeLessThan(constrained.length / 2);
  });

  it("fixes a rejected reply far more often after a specific error than after a terse one", async () => {
    const p = profile({ malformed: 1, fixSpecific: 0.9, fixTerse: 0.2 });
    const fixedAfter = async (feedback: string) => {
      let fixed = 0;
      for (let run = 0; run < 60; run++) {
        const sim = createSimBackend({ profile: p, spec: "sim:test", task: simTask(task("js-off-by-one-pagination")), run });
        const bad = await sim.complete(request([SYSTEM, TASK_MESSAGE]));
        const retry = await sim.complete(request([SYSTEM, TASK_MESSAGE, { role: "assistant", content: bad.content }, { role: "user", content: feedback }]));
        if (strictValid(retry.content)) fixed++;
      }
      return fixed / 60;
    };
    const specific = await fixedAfter('read_file needs "path". It takes: path (required), start_line, end_line. Example: {"thought":"Read the function.","tool":"read_file","args":{"path":"src/app.js"}}\nReply again with one corrected JSON object and nothing else.');
    const terse = await fixedAfter("Error: Your reply is not valid JSON.");
    expect(specific).toBeGreaterThan(terse + 0.4);
  });

  it("drifts more the longer since the schemas were shown, and a re-injected reminder resets it", async () => {
    const p = profile({ driftPerTurn: 0.05 });
    const turns = (k: number): ChatMessage[] =>
      Array.from({ length: k }, (_, i) => [
        { role: "assistant" as const, content: JSON.stringify({ tool: "read_file", args: { path: `src/f${i}.js` } }) },
        { role: "user" as const, content: observationMessage("read_file", `src/f${i}.js (1 lines):\n1 | x`) },
      ]).flat();
    const rate = async (messages: ChatMessage[]) => (await firstReplies(p, messages, 80)).filter((reply) => !strictValid(reply.content)).length / 80;
    const early = await rate([SYSTEM, TASK_MESSAGE, ...turns(2)]);
    const late = await rate([SYSTEM, TASK_MESSAGE, ...turns(10)]);
    const reminded = await rate([SYSTEM, TASK_MESSAGE, ...turns(10), { role: "system", content: "Reminder of the reply format." }]);
    expect(early).toBe(0);
    expect(late).toBeGreaterThan(0.15);
    expect(reminded).toBe(0);
  });

  it("loses validity as the context fills, and refuses a prompt over its window", async () => {
    const p = profile({ malformed: 0.1 });
    const padding = (tokens: number): ChatMessage => ({ role: "user", content: "x".repeat(Math.round(tokens * 3.3)) });
    const rate = async (tokens: number) => (await firstReplies(p, [SYSTEM, TASK_MESSAGE, padding(tokens)], 150)).filter((r) => !strictValid(r.content)).length / 150;
    expect(await rate(28_000)).toBeGreaterThan((await rate(1_000)) + 0.05);
    const sim = createSimBackend({ profile: p, spec: "sim:test", task: simTask(task("js-off-by-one-pagination")), run: 0 });
    const over = await sim.complete(request([SYSTEM, padding(40_000)])).catch((error: unknown) => error);
    expect(over).toBeInstanceOf(ModelError);
    expect((over as ModelError).code).toBe("context_overflow");
  });

  it("edits the decoy without the scope layer; with it, is refused and edits the right file", async () => {
    const t = task("js-price-format-decoy");
    const careless = profile({ wrongFile: 1, notice: 0 });
    const [decoy] = t.decoys;
    const off = await runTask(t, careless, "none");
    expect(off.report.files_changed).toContain(decoy);
    expect(off.report.outcome).toBe("failed");
    const on = await runTask(t, careless, "scope");
    expect(on.report.files_changed).not.toContain(decoy);
    expect(on.report.turns.flatMap((turn) => turn.interventions)).toContain("scope_blocked");
    expect(on.report.outcome).toBe("completed");
  });

  it("stops early: the run ends without the stops layer, and goes on when the stop is refused", async () => {
    const t = task("js-off-by-one-pagination");
    const quitter = profile({ stop: 0.5, fixSpecific: 1 });
    const off = await runTask(t, quitter, "none", 1);
    expect(off.report.outcome).toBe("failed");
    expect(off.report.turns.at(-1)?.failure_mode).toBe("premature_stop");
    const on = await runTask(t, quitter, "stops,retry", 1);
    expect(on.report.turns.length).toBeGreaterThan(off.report.turns.length);
    expect(on.report.turns.flatMap((turn) => turn.interventions).some((i) => i === "premature_stop_rejected" || i === "retry")).toBe(true);
  });
});
