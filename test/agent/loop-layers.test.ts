import fs from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AgentLimits } from "../../src/protocol/agent-run.js";
import { ModelError } from "../../src/model/model-error.js";
import type { ChatMessage } from "../../src/model/types.js";
import { runLocalTask } from "../../src/pipeline/run-local-task.js";
import type { Report } from "../../src/report/report-schema.js";
import { parseScaffoldSpec } from "../../src/scaffold/parse-scaffold-spec.js";
import { buildTask } from "../../src/task/build-task.js";
import { createPlainRunner } from "../../src/workspace/plain-runner.js";
import { makeGitRepo, SUM_ISSUE, SUM_REPO } from "../helpers/git-fixture.js";
import { scriptedModel, type ScriptStep } from "../helpers/scripted-model.js";

const READ = { thought: "Look at sum.", tool: "read_file", args: { path: "src/sum.js" } };
const EDIT = { thought: "Fix it.", tool: "edit_file", args: { path: "src/sum.js", old_text: "return a - b;", new_text: "return a + b;" } };
const TEST = { tool: "run_tests", args: {} };
const FINISH = { tool: "finish", args: { summary: "sum now adds." } };

let repo: { dir: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  repo = await makeGitRepo(SUM_REPO);
});
afterEach(() => repo.cleanup());

function layers(spec: string) {
  const parsed = parseScaffoldSpec(spec);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.layers;
}

async function run(steps: ScriptStep[], options: { scaffold?: string; limits?: Partial<AgentLimits>; issue?: string; labels?: string[]; signal?: AbortSignal } = {}) {
  const built = buildTask({ text: options.issue ?? SUM_ISSUE, labels: options.labels });
  if (!built.ok) throw new Error(built.message);
  const model = scriptedModel(steps);
  const { report, agent } = await runLocalTask({
    repoDir: repo.dir,
    task: built.task,
    model,
    testCommand: "npm test",
    runner: createPlainRunner({ env: process.env }),
    layers: layers(options.scaffold ?? "all"),
    limits: { backoffMs: 0, ...options.limits },
    env: process.env,
    clock: { now: () => Date.now(), sleep: async () => undefined },
    random: () => 0.5,
    signal: options.signal,
  });
  return { report, agent, requests: model.requests };
}

const text = (messages: ChatMessage[]) => messages.map((m) => m.content).join("\n---\n");
const agentPrompts = (requests: { purpose: string; messages: ChatMessage[] }[]) => requests.filter((r) => r.purpose === "agent").map((r) => r.messages);
const sumFile = () => fs.readFile(path.join(repo.dir, "src/sum.js"), "utf8");
const decoyFile = () => fs.readFile(path.join(repo.dir, "src/sums.js"), "utf8");
const interventions = (report: Report) => report.turns.flatMap((t) => t.interventions);

describe("grammar layer", () => {
  it("sends the tool-call JSON schema as the constraint only when on", async () => {
    const on = await run([READ, EDIT, TEST, FINISH]);
    const schema = on.requests[0]?.constraint?.jsonSchema as { oneOf?: { properties: { tool: { const: string } } }[] };
    expect(schema.oneOf?.map((s) => s.properties.tool.const)).toEqual(["list_files", "read_file", "search", "edit_file", "write_file", "run_tests", "finish"]);
    const off = await run([READ, EDIT, TEST, FINISH], { scaffold: "all,-grammar" });
    expect(off.requests[0]?.constraint).toBeUndefined();
  });
});

describe("repair layer", () => {
  const sloppy: ScriptStep[] = [
    'Let me look.\n```json\n{"thought": "read", "tool": "read_file", "args": {"file": "./src/sum.js"}}\n```',
    "{'tool': 'edit_file', 'args': {'path': 'src/sum.js', 'old_string': 'return a - b;', 'new_string': 'return a + b;'},}",
    '{"name": "run_tests", "arguments": {}}',
    '{"tool": "Finish", "args": {"summary": "done"}}',
  ];
  it("turns fenced, aliased, single-quoted and misnamed calls into valid ones", async () => {
    const { report } = await run(sloppy, { scaffold: "repair" });
    expect(report.outcome).toBe("completed");
    expect(report.turns.map((t) => [t.raw_valid, t.valid])).toEqual([[false, true], [false, true], [false, true], [false, true]]);
    expect(report.turns[0]?.interventions).toEqual(["stripped_fence", "extracted_from_prose", "mapped_alias"]);
    expect(report.turns[1]?.interventions).toEqual(["repaired_json", "mapped_alias"]);
    expect(report.totals.validity_raw).toBe(0);
    expect(report.totals.validity_effective).toBe(1);
  });
  it("without it the same replies fail the run", async () => {
    const { report } = await run([...sloppy, ...sloppy], { scaffold: "none" });
    expect(report.outcome).toBe("failed");
    expect(report.exit_reason).toMatch(/3 invalid tool calls in a row/);
    expect(await sumFile()).toContain("a - b");
  });
});

describe("retry layer", () => {
  it("requeries with temporary history: the bad reply is shown to the retry only", async () => {
    const bad = '{"tool": "read_file", "args": {}}';
    const { report, requests } = await run([bad, READ, EDIT, TEST, FINISH], { scaffold: "retry" });
    expect(report.outcome).toBe("completed");
    const retryPrompt = requests[1]?.messages ?? [];
    expect(retryPrompt.at(-2)).toEqual({ role: "assistant", content: bad });
    expect(retryPrompt.at(-1)?.content).toContain('read_file needs "path"');
    expect(retryPrompt.at(-1)?.content).toContain('{"thought":"Read the function.","tool":"read_file"');
    // The recovered mistake never enters the history the next turns see.
    for (const prompt of agentPrompts(requests).slice(2)) expect(text(prompt)).not.toContain(bad);
    expect(report.turns[0]).toMatchObject({ raw_valid: false, valid: true, interventions: ["retry"], failure_mode: "tool_call_hallucination" });
    expect(report.turns[0]?.attempts).toHaveLength(2);
    expect(report.totals.retries).toBe(1);
  });
  it("raises the temperature and changes the seed when the same bad reply repeats", async () => {
    const bad = "I will read the file now.";
    const { requests } = await run([bad, bad, READ, EDIT, TEST, FINISH], { scaffold: "retry" });
    expect(requests[0]?.temperature).toBe(0.3);
    expect(requests[1]?.temperature).toBe(0.3);
    expect(requests[2]?.temperature).toBeCloseTo(0.6);
    expect(requests[2]?.seed).toBeTypeOf("number");
  });
  it("after the budget sends one recovery prompt, and fails the run on a second exhaustion", async () => {
    const bad = '{"tool": "read_file", "args": {"lines": 3}}';
    const { report, requests } = await run([bad, bad, bad, bad, bad, bad], { scaffold: "retry" });
    expect(report.outcome).toBe("failed");
    expect(report.exit_reason).toMatch(/^no valid tool call after 3 attempts, twice: read_file needs "path"/);
    expect(text(requests[3]?.messages ?? [])).toContain("The previous tool call failed because");
    expect(report.turns[0]?.interventions).toEqual(["retry", "recovery_prompt"]);
    expect(requests).toHaveLength(6);
  });
  it("without it an invalid reply enters the history with a terse error", async () => {
    const bad = '{"tool": "read_file", "args": {}}';
    const { report, requests } = await run([bad, READ, EDIT, TEST, FINISH], { scaffold: "none" });
    expect(report.outcome).toBe("completed");
    expect(report.turns[0]).toMatchObject({ valid: false, interventions: [] });
    expect(text(requests[1]?.messages ?? [])).toContain(bad);
    expect(report.totals.validity_effective).toBeCloseTo(4 / 5);
  });
});

describe("reinject layer", () => {
  it("puts the tool schemas in again as a fresh system message every N turns", async () => {
    const { report, requests } = await run([READ, READ, EDIT, TEST, FINISH], { scaffold: "reinject", limits: { reinjectEvery: 3 } });
    const fourth = agentPrompts(requests)[3] ?? [];
    const reminder = fourth.filter((m) => m.role === "system").at(-1);
    expect(fourth.filter((m) => m.role === "system")).toHaveLength(2);
    expect(reminder?.content).toContain("Reminder of the reply format");
    expect(reminder?.content).toContain("- edit_file(path, old_text, new_text)");
    expect(report.turns[3]?.interventions).toEqual(["schema_reinjected"]);
  });
});

describe("context layer", () => {
  it("folds older turns into a model-written recap and keeps the prompt an extension in between", async () => {
    const recap = "sum.js line 2 subtracts; needs +.";
    const steps: ScriptStep[] = [READ, { tool: "search", args: { pattern: "sum" } }, { tool: "list_files", args: {} }, recap, EDIT, TEST, FINISH];
    const { report, requests } = await run(steps, { scaffold: "context", limits: { summarizeEvery: 3, keepTurns: 1 } });
    expect(report.outcome).toBe("completed");
    const summary = requests.find((r) => r.purpose === "summary");
    expect(text(summary?.messages ?? [])).toContain("Write at most 150 words");
    expect(report.turns.map((t) => t.kind)).toEqual(["agent", "agent", "agent", "summary", "agent", "agent", "agent"]);
    expect(report.turns[3]?.interventions).toEqual(["summarized"]);
    const prompts = agentPrompts(requests);
    const afterSummary = text(prompts[3] ?? []);
    expect(afterSummary).toContain(recap);
    expect(afterSummary).toContain("- turn 1: read_file src/sum.js → src/sum.js (3 lines):");
    expect(afterSummary).not.toContain("1 | export function sum(a, b) {");
    // Between summary points each prompt extends the previous one (KV-cache reuse).
    for (const [a, b] of [[0, 1], [1, 2], [3, 4], [4, 5]] as const) {
      const before = prompts[a] ?? [];
      const after = prompts[b] ?? [];
      expect(after.slice(0, before.length)).toEqual(before);
    }
  });
  it("shows a repeated read of an unchanged file as a back-reference", async () => {
    const { requests } = await run([READ, READ, EDIT, READ, TEST, FINISH], { scaffold: "context" });
    const third = text(agentPrompts(requests)[2] ?? []);
    expect(third).toContain("[read_file result] Same as the result of turn 1 above (nothing changed since).");
    // After the edit the same read is new information, shown in full.
    const fifth = text(agentPrompts(requests)[4] ?? []);
    expect(fifth.match(/Same as the result of turn/g)).toHaveLength(1);
    expect(fifth).toContain("2 |   return a + b;");
  });
  it("shrinks and asks again when the prompt does not fit, instead of going on blind", async () => {
    const overflow = () => new ModelError("context_overflow", "the input length exceeds the context length", "");
    const { report, requests } = await run([READ, { tool: "search", args: { pattern: "a" } }, overflow, "recap", EDIT, TEST, FINISH], { scaffold: "context" });
    expect(report.outcome).toBe("completed");
    expect(requests[3]?.purpose).toBe("summary");
    const turn = report.turns.find((t) => t.tool === "edit_file");
    expect(turn?.interventions).toContain("truncation_detected");
    expect(turn?.failure_mode).toBe("context_truncation");
  });
  it("without it an overflow ends the run with the cause and the fix", async () => {
    const overflow = () => new ModelError("context_overflow", "the input length exceeds the context length", "");
    const { report } = await run([READ, overflow], { scaffold: "none" });
    expect(report.outcome).toBe("failed");
    expect(report.exit_reason).toMatch(/does not fit the context window.*enable the context layer or raise the context window/);
  });
});

describe("loops layer", () => {
  it("warns on the third identical call without running it, and stops on the fifth", async () => {
    const { report, requests } = await run([READ, READ, READ, READ, READ], { scaffold: "loops" });
    expect(report.outcome).toBe("failed");
    expect(report.exit_reason).toMatch(/^loop detected: the same call was made 5 times/);
    expect(report.turns[2]).toMatchObject({ interventions: ["loop_detected"], failure_mode: "infinite_loop" });
    expect(text(requests[3]?.messages ?? [])).toContain("You already made this exact call (turns 1, 2)");
  });
  it("treats the same call after an edit as new (the files changed)", async () => {
    const { report } = await run([TEST, EDIT, TEST, FINISH], { scaffold: "loops" });
    expect(report.outcome).toBe("completed");
    expect(interventions(report)).not.toContain("loop_detected");
  });
  it("catches A-B-A-B alternation at the fifth call (the third of its kind), then lets the fix run", async () => {
    const search = { tool: "search", args: { pattern: "sum" } };
    const { report, requests } = await run([READ, search, READ, search, READ, search, EDIT, TEST, FINISH], { scaffold: "loops" });
    const caught = report.turns.filter((t) => t.interventions.includes("loop_detected"));
    expect(caught.map((t) => [t.n, t.error])).toEqual([
      [5, "the same call was made 3 times with no change in between"],
      [6, "the same call was made 3 times with no change in between"],
    ]);
    expect(text(requests[5]?.messages ?? [])).toContain("You already made this exact call (turns 1, 3)");
    expect(report.outcome).toBe("completed");
  });
  it("without it the loop runs until max turns", async () => {
    const { report } = await run(Array(6).fill(READ), { scaffold: "none", limits: { maxTurns: 6 } });
    expect(report.exit_reason).toMatch(/^max turns \(6\) reached/);
    expect(report.turns.filter((t) => t.failure_mode === "infinite_loop").length).toBeGreaterThanOrEqual(4);
  });
});

describe("stops layer", () => {
  it("rejects finish before any edit and before tests ran, with continuation prompts", async () => {
    const { report, requests } = await run([FINISH, EDIT, FINISH, TEST, FINISH], { scaffold: "stops" });
    expect(report.outcome).toBe("completed");
    expect(report.turns.filter((t) => t.interventions.includes("premature_stop_rejected"))).toHaveLength(2);
    expect(text(requests[1]?.messages ?? [])).toContain("you have not changed any file yet");
    expect(text(requests[3]?.messages ?? [])).toContain("you have not run the tests since your last change");
  });
  it("ends the run failed after the third premature finish", async () => {
    const { report } = await run([FINISH, FINISH, FINISH], { scaffold: "stops" });
    expect(report.outcome).toBe("failed");
    expect(report.exit_reason).toMatch(/^finish was called too early 3 times/);
  });
  it("answers an empty reply with a continuation prompt", async () => {
    const { report, requests } = await run(["", READ, EDIT, TEST, FINISH], { scaffold: "stops" });
    expect(report.outcome).toBe("completed");
    expect(report.turns[0]).toMatchObject({ valid: false, interventions: ["premature_stop_rejected"], failure_mode: "premature_stop" });
    expect(text(requests[1]?.messages ?? [])).toContain("Your reply was empty. The task is not finished");
    expect(report.turns[0]?.error).toMatch(/the model returned an empty reply/);
  });
  it("without it a premature finish ends the run and the failing tests decide the outcome", async () => {
    const { report } = await run([FINISH], { scaffold: "none" });
    expect(report.outcome).toBe("failed");
    expect(report.turns[0]?.failure_mode).toBe("premature_stop");
    const empty = await run([""], { scaffold: "none" });
    expect(empty.report.exit_reason).toMatch(/model stopped without a tool call: the model returned an empty reply/);
  });
});

describe("scope layer", () => {
  const decoyEdit = { tool: "edit_file", args: { path: "src/sums.js", old_text: "a - b", new_text: "a + b" } };
  it("refuses writes outside the allowed files, naming the list", async () => {
    const { report, requests } = await run([decoyEdit, EDIT, TEST, FINISH], { scaffold: "scope" });
    expect(report.outcome).toBe("completed");
    expect(report.turns[0]).toMatchObject({ interventions: ["scope_blocked"], failure_mode: "wrong_file_edit" });
    expect(text(requests[1]?.messages ?? [])).toContain('"src/sums.js" is not one of the allowed files (src/sum.js)');
    expect(await decoyFile()).toContain("a - b");
  });
  it("without it the wrong-file edit lands (and is still classified)", async () => {
    const { report } = await run([decoyEdit, TEST, FINISH], { scaffold: "none" });
    expect(await decoyFile()).toContain("a + b");
    expect(report.turns[0]?.failure_mode).toBe("wrong_file_edit");
    expect(report.outcome).toBe("failed");
  });
});

describe("question tasks", () => {
  it("get only the read tools and answer, and write nothing", async () => {
    const issue = "# How many lines does src/sum.js have?\n\nJust curious.";
    const { report, requests } = await run(
      [{ tool: "edit_file", args: { path: "src/sum.js", old_text: "a - b", new_text: "3 lines" } }, READ, { tool: "answer", args: { text: "src/sum.js has 3 lines." } }],
      { issue },
    );
    expect(report.task.kind).toBe("question");
    expect(report.outcome).toBe("answered");
    expect(report.answer).toBe("src/sum.js has 3 lines.");
    const schema = requests[0]?.constraint?.jsonSchema as { oneOf?: { properties: { tool: { const: string } } }[] };
    expect(schema.oneOf?.map((s) => s.properties.tool.const)).toEqual(["list_files", "read_file", "search", "answer"]);
    expect(requests[0]?.messages[0]?.content).not.toContain("edit_file");
    expect(report.turns[0]?.attempts[0]?.error).toContain("edit_file is not available for this task");
    expect(await sumFile()).toContain("a - b");
    expect(report.totals.tests_before).toBeNull();
  });
});

describe("limits and failures", () => {
  it("is cancelled through its signal", async () => {
    const controller = new AbortController();
    const { report } = await run([READ, () => (controller.abort(), READ), EDIT], { signal: controller.signal });
    expect(report.outcome).toBe("cancelled");
  });
  it("retries an unreachable model server, then ends with the cause and the fix", async () => {
    const down = () => new ModelError("unreachable", "cannot reach Ollama at http://127.0.0.1:9 (connection refused)", "Start it with `ollama serve`");
    const { report, requests } = await run([down, down, down]);
    expect(requests).toHaveLength(3);
    expect(report.outcome).toBe("failed");
    expect(report.exit_reason).toContain("cannot reach Ollama at http://127.0.0.1:9 (connection refused). Start it with `ollama serve`");
  });
  it("leaves work in place but fails when max turns is reached", async () => {
    const { report } = await run([READ, EDIT, READ], { limits: { maxTurns: 3 } });
    expect(report.outcome).toBe("failed");
    expect(report.exit_reason).toMatch(/max turns \(3\) reached/);
    expect(await sumFile()).toContain("a + b");
  });
});
