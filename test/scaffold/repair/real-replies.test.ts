import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { turnRecords } from "../../../src/protocol/history.js";
import { runAgent } from "../../../src/agent/run-agent.js";
import { DEFAULT_LIMITS } from "../../../src/protocol/agent-run.js";
import { createLayers } from "../../../src/scaffold/layers/create-layers.js";
import { CHANGE_TOOLS, QUESTION_TOOLS } from "../../../src/protocol/tool-schemas.js";
import { INTERVENTIONS } from "../../../src/report/report-schema.js";
import { parseScaffoldSpec } from "../../../src/scaffold/parse-scaffold-spec.js";
import { parseToolReply } from "../../../src/scaffold/repair/parse-tool-reply.js";
import { buildTask, type Task } from "../../../src/task/build-task.js";
import { createWorkspace } from "../../../src/workspace/create-workspace.js";
import { makeGitRepo, SUM_ISSUE, SUM_REPO } from "../../helpers/git-fixture.js";
import { scriptedModel } from "../../helpers/scripted-model.js";
import { judgeCorpusCase } from "./judge-corpus-case.js";
import { REAL_REPLIES, type CorpusCase, type Family } from "./real-replies.corpus.js";

/** How each family must be named in the turn's note (`reply family: …`). */
const FAMILY_NAMES: Record<Family, RegExp> = {
  harmony: /gpt-oss Harmony/,
  mistral: /Mistral \[TOOL_CALLS\]|meta-spaces|byte-level BPE/,
  gemma: /Gemma 4 call syntax/,
  "qwen-xml": /Qwen3-Coder XML/,
  "xml-wrapper": /XML (?:wrapper|tool element)|Anthropic-style <invoke> XML/,
  "self-closing": /XML tool element/,
  "json-rpc": /JSON-RPC envelope/,
  "near-keys": /keys with stray whitespace|quote tokens/,
};
/** Near-key cases that the older JSON reader already repaired name no family (jsonrepair, a stray brace). */
const UNNAMED = new Set(["keys-unquoted", "keys-redundant-braces", "keys-spaced-tool-value"]);

const toolsOf = (c: CorpusCase) => (c.question ? QUESTION_TOOLS : CHANGE_TOOLS);
const calls = REAL_REPLIES.filter((c) => "call" in c.expected);
const reasks = REAL_REPLIES.filter((c) => "reask" in c.expected);

describe("the corpus", () => {
  it("has at least 60 real replies, each with a source URL and a unique id, covering every family", () => {
    expect(REAL_REPLIES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(REAL_REPLIES.map((c) => c.id)).size).toBe(REAL_REPLIES.length);
    for (const c of REAL_REPLIES) expect(c.source).toMatch(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+\/(?:issues|pull|blob)\/\S+$/);
    expect(new Set(REAL_REPLIES.map((c) => c.family))).toEqual(new Set(Object.keys(FAMILY_NAMES)));
    expect(reasks.length).toBeGreaterThanOrEqual(15);
  });
});

describe("real replies through the parser, repair on", () => {
  it.each(calls)("$id is repaired to its exact call", (c) => {
    if (!("call" in c.expected)) return;
    const parsed = parseToolReply({ reply: c.reply, tools: toolsOf(c), repair: true });
    const judged = judgeCorpusCase(c, parsed);
    if (!judged.ok) throw new Error(`expected ${JSON.stringify(c.expected.call)}, got ${judged.got}`);
    expect(parsed.rawValid).toBe(false);
    expect(parsed.interventions).toEqual(c.expected.interventions);
    for (const intervention of parsed.interventions) expect(INTERVENTIONS).toContain(intervention);
    if (!UNNAMED.has(c.id)) expect(parsed.families.join(", ")).toMatch(FAMILY_NAMES[c.family]);
    const dropped = parsed.notes.some((note) => /more was dropped/.test(note));
    expect(dropped).toBe(c.expected.dropped === true);
  });

  it.each(reasks)("$id is re-asked with a specific error", (c) => {
    if (!("reask" in c.expected)) return;
    const parsed = parseToolReply({ reply: c.reply, tools: toolsOf(c), repair: true });
    const judged = judgeCorpusCase(c, parsed);
    if (!judged.ok) throw new Error(`expected a re-ask ${c.expected.reask} mentioning ${c.expected.mentions.join(", ")}, got ${judged.got}`);
    if (parsed.ok) return;
    // The right shape to send instead is always in the message.
    expect(parsed.error.message).toMatch(/(?:Example:|for example) \{"thought":/);
  });
});

describe("real replies through the parser, repair off", () => {
  it.each(REAL_REPLIES)("$id is not valid and nothing is repaired", (c) => {
    const parsed = parseToolReply({ reply: c.reply, tools: toolsOf(c), repair: false });
    expect(parsed.ok).toBe(false);
    expect(parsed.rawValid).toBe(false);
    expect(parsed.interventions).toEqual([]);
    expect(parsed.families).toEqual([]);
  });
});

describe("real replies through the agent loop", () => {
  let repo: { dir: string; cleanup: () => Promise<void> };
  const tasks: { change?: Task; question?: Task } = {};
  beforeAll(async () => {
    repo = await makeGitRepo(SUM_REPO);
    const change = buildTask({ text: SUM_ISSUE });
    const question = buildTask({ text: "# How does sum() add two numbers?\n\nWhere is it defined and what does it return?" });
    if (!change.ok || !question.ok) throw new Error("fixture tasks must build");
    expect(question.task.kind).toBe("question");
    tasks.change = change.task;
    tasks.question = question.task;
  });
  afterAll(() => repo.cleanup());

  const FINISH = { tool: "finish", args: { summary: "done" } };
  const ANSWER = { tool: "answer", args: { text: "done" } };

  async function loop(c: CorpusCase, scaffold: string) {
    const parsed = parseScaffoldSpec(scaffold);
    if (!parsed.ok) throw new Error(parsed.message);
    const task = (c.question ? tasks.question : tasks.change) as Task;
    const model = scriptedModel([c.reply, c.question ? ANSWER : FINISH, c.question ? ANSWER : FINISH]);
    // Nothing is written: the corpus calls its tools on a shared fixture.
    const workspace = await createWorkspace({ root: repo.dir, canWrite: () => ({ ok: false, reason: "the corpus test writes nothing" }) });
    const limits = { ...DEFAULT_LIMITS, backoffMs: 0, maxTurns: 4 };
    const result = await runAgent({
      task, model, modelInfo: await model.info(), workspace, runTests: null, testCommand: null, layers: createLayers(parsed.layers, limits),
      limits, env: process.env, clock: { now: () => Date.now(), sleep: async () => undefined }, random: () => 0.5,
    });
    return { result, turns: turnRecords(result.history), requests: model.requests };
  }

  it.each(calls)("$id: repaired in the loop, and not with --scaffold none", async (c) => {
    if (!("call" in c.expected)) return;
    const on = await loop(c, "repair,retry");
    const first = on.turns[0];
    const entry = on.result.history.find((e) => e.type === "call" || e.type === "invalid");
    expect(entry?.type).toBe("call");
    if (entry?.type !== "call") return;
    expect({ tool: entry.call.tool, args: entry.call.args }).toEqual(c.expected.call);
    expect(first).toMatchObject({ raw_valid: false, valid: true, tool: c.expected.call.tool, interventions: c.expected.interventions });
    if (!UNNAMED.has(c.id)) expect(first?.note).toMatch(FAMILY_NAMES[c.family]);
    expect(first?.attempts).toHaveLength(1);

    const off = await loop(c, "none");
    expect(off.turns[0]).toMatchObject({ raw_valid: false, valid: false, interventions: [] });
    expect(off.turns[0]?.note ?? "").not.toMatch(/reply family/);
    expect(off.result.history.some((e) => e.type === "call" && e.turn.n === 1)).toBe(false);
  });

  it.each(reasks)("$id: re-asked in the loop with its specific error, and not with --scaffold none", async (c) => {
    if (!("reask" in c.expected)) return;
    const on = await loop(c, "repair,retry");
    const first = on.turns[0];
    // The retry is asked with the bad reply and the error only the retry sees.
    const retry = on.requests[1]?.messages ?? [];
    expect(retry.at(-2)).toEqual({ role: "assistant", content: c.reply.content });
    const error = retry.at(-1)?.content ?? "";
    for (const mention of c.expected.mentions) expect(error.toLowerCase()).toContain(mention.toLowerCase());
    expect(first).toMatchObject({ raw_valid: false, valid: true, interventions: expect.arrayContaining(["retry"]) });
    expect(first?.attempts[0]?.raw_valid).toBe(false);

    const off = await loop(c, "none");
    expect(off.turns[0]).toMatchObject({ raw_valid: false, valid: false, interventions: [] });
  });
});
