import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BenchRow } from "../../src/bench/bench-result-schema.js";
import { decideVerdict } from "../../src/bench/decide-verdict.js";
import { measurePrefixStability } from "../../src/bench/measure-prefix-stability.js";
import { scoreRun } from "../../src/bench/score-run.js";
import { summarizeServer } from "../../src/bench/summarize-server.js";
import { withTestCache } from "../../src/bench/with-test-cache.js";
import type { ChatMessage } from "../../src/model/types.js";
import type { Report, TurnRecord } from "../../src/report/report-schema.js";
import { SCAFFOLD_LAYERS } from "../../src/report/report-schema.js";
import { createPlainRunner } from "../../src/workspace/plain-runner.js";

function benchRow(fields: Partial<BenchRow>): BenchRow {
  return {
    model: "ollama:m", scaffold: "none", layers: [], validity_raw: 1, validity_effective: 1, completed: 0, tasks: 0, completion_rate: 0, median_calls: null,
    failure_modes: { terminal: { tool_call_hallucination: 0, schema_drift: 0, context_truncation: 0, premature_stop: 0, infinite_loop: 0, wrong_file_edit: 0, wrong_answer: 0, other: 0 }, per_turn: {} },
    agent_turns: 40, model_calls: 40, prompt_tokens: 0, prompt_tokens_per_completed: null, prefix_stability: null, prefix_breaks: { after_summary: 0, other: 0 },
    interventions: {}, fill: [], ...fields,
  };
}

const none = (validity: number, turns = 40) => benchRow({ scaffold: "none", layers: [], validity_raw: validity, validity_effective: validity, agent_turns: turns });
const all = (validity: number, turns = 40) => benchRow({ scaffold: "all", layers: [...SCAFFOLD_LAYERS], validity_raw: 0.97, validity_effective: validity, agent_turns: turns });

describe("decideVerdict (≥ 95% validity held across a 30-turn session)", () => {
  it("grades by the none row's raw validity first, then the all-layers row's effective validity", () => {
    expect(decideVerdict("ollama:m", [none(0.984), all(1)]).grade).toBe("production-grade");
    expect(decideVerdict("ollama:m", [none(0.847), all(0.995)]).grade).toBe("agent-grade with scaffolding");
    expect(decideVerdict("ollama:m", [none(0.713), all(0.93)]).grade).toBe("demo-grade");
  });
  it("stays undetermined on fewer than 30 turns or without a deciding row", () => {
    expect(decideVerdict("ollama:m", [none(1, 12), all(1)]).reason).toMatch(/only 12 agent turns.*raise --runs/);
    expect(decideVerdict("ollama:m", [none(0.8)]).grade).toBe("undetermined");
    expect(decideVerdict("ollama:m", [all(0.99)]).grade).toBe("agent-grade with scaffolding");
  });
});

describe("measurePrefixStability", () => {
  const m = (content: string, role: ChatMessage["role"] = "user"): ChatMessage => ({ role, content });
  const turn = (kind: "agent" | "summary", attempts: number) => ({ kind, attempts: Array.from({ length: attempts }, () => ({})) }) as unknown as TurnRecord;
  it("counts turns whose prompt extends the previous turn's, ignoring retries, and attributes breaks to summaries", () => {
    const base = [m("system", "system"), m("task")];
    const t2 = [...base, m("call1", "assistant"), m("obs1")];
    const requests = [
      { purpose: "agent" as const, messages: base },
      { purpose: "agent" as const, messages: t2 },
      { purpose: "agent" as const, messages: [...t2, m("bad", "assistant"), m("fix it")] }, // a retry inside turn 2
      { purpose: "agent" as const, messages: [...t2, m("call2", "assistant"), m("obs2")] },
      { purpose: "summary" as const, messages: [m("summarize")] },
      { purpose: "agent" as const, messages: [...base, m("recap"), m("call2", "assistant"), m("obs2")] },
    ];
    const turns = [turn("agent", 1), turn("agent", 2), turn("agent", 1), turn("summary", 1), turn("agent", 1)];
    expect(measurePrefixStability({ requests, turns })).toEqual({ turns: 3, extended: 2, brokenBySummary: 1 });
  });
});

describe("withTestCache", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "test-cache-"));
    await fs.writeFile(path.join(dir, "a.txt"), "one\n");
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  it("runs a command once per tree content and answers repeats from the cache", async () => {
    const runner = withTestCache(createPlainRunner({ env: process.env }));
    const run = () => runner.run({ command: "cat a.txt; echo run >> runs.log", cwd: dir, timeoutMs: 10_000, maxOutputBytes: 4096 });
    const first = await run();
    expect(first.output).toBe("one\n");
    // runs.log changed the tree, so the second run is new; the third finds the second's tree.
    await fs.rm(path.join(dir, "runs.log"));
    expect((await run()).output).toBe("one\n");
    expect(runner.hits).toBe(1);
    await fs.writeFile(path.join(dir, "a.txt"), "two\n");
    expect((await run()).output).toBe("two\n");
    expect(runner.misses).toBe(2);
  });
});

describe("scoreRun", () => {
  const report = (fields: Partial<Report>, turns: Partial<TurnRecord>[] = []): Report =>
    ({
      task: { kind: "change", title: "t", allowed_files: ["src/a.js"], test_command: "npm test" },
      outcome: "failed", answer: null, files_changed: [], ...fields,
      turns: turns.map((t) => ({ kind: "agent", valid: true, tool: "read_file", error: null, failure_mode: null, attempts: [], interventions: [], ...t })),
    }) as unknown as Report;

  it("counts a change task only when finished with passing tests, and a question only when the answer matches", () => {
    expect(scoreRun({ report: report({ outcome: "completed" }), exit: "finished", expectedAnswer: undefined })).toEqual({ completed: true, terminal: null });
    const question = (answer: string) => report({ task: { kind: "question", title: "q", allowed_files: [], all_files_allowed: false, test_command: null }, outcome: "answered", answer }, [{ tool: "read_file" }]);
    expect(scoreRun({ report: question("3 requests: retries: 2 in defaults.js"), exit: "answered", expectedAnswer: ["\\b3\\b", "defaults\\.js"] }).completed).toBe(true);
    expect(scoreRun({ report: question("it retries forever"), exit: "answered", expectedAnswer: ["\\b3\\b"] })).toEqual({ completed: false, terminal: "wrong_answer" });
  });

  it("names what ended a failed run", () => {
    const score = (exit: Parameters<typeof scoreRun>[0]["exit"], fields: Partial<Report> = {}, turns: Partial<TurnRecord>[] = []) =>
      scoreRun({ report: report(fields, turns), exit, expectedAnswer: undefined }).terminal;
    expect(score("format_errors", {}, [{ failure_mode: "schema_drift", valid: false }])).toBe("schema_drift");
    expect(score("context_overflow")).toBe("context_truncation");
    expect(score("finished", { files_changed: ["src/decoy.js"] })).toBe("wrong_file_edit");
    expect(score("finished", { files_changed: ["src/a.js"] })).toBe("premature_stop");
    expect(score("max_turns", {}, Array.from({ length: 6 }, () => ({ failure_mode: "infinite_loop" as const })))).toBe("infinite_loop");
    // A run spent repeating one call failed of the loop, even if a format error came last.
    expect(score("format_errors", {}, [...Array.from({ length: 5 }, () => ({ failure_mode: "infinite_loop" as const })), { failure_mode: "tool_call_hallucination", valid: false }])).toBe("infinite_loop");
    expect(score("model_error")).toBe("other");
  });
});

describe("summarizeServer (what the model server measured)", () => {
  const attempt = (fields: Partial<TurnRecord["attempts"][number]>) => ({ raw_valid: true, error: null, done_reason: "stop", prompt_tokens: 1000, completion_tokens: 40, latency_ms: 900, ...fields });
  const outcome = (attempts: TurnRecord["attempts"]) =>
    ({ report: { duration_ms: 30_000, turns: [{ kind: "agent", attempts }] } as unknown as Report }) as Parameters<typeof summarizeServer>[0][number];

  it("takes generation speed, prompt time and KV-cache reuse from the server's own figures", () => {
    const server = summarizeServer([
      outcome([attempt({ eval_ms: 2000, prompt_eval_ms: 500, cached_prompt_tokens: 0 }), attempt({ eval_ms: 2000, prompt_eval_ms: 100, cached_prompt_tokens: 900 })]),
    ]);
    expect(server).toMatchObject({ calls_per_task: 2, wall_ms_per_task: 30_000, generation_tokens_per_s: 20, prompt_eval_ms_per_call: 300 });
    expect(server?.cache_reuse).toBeCloseTo(0.45);
    // 1,100 uncached tokens in 600 ms.
    expect(server?.prompt_tokens_per_s).toBeCloseTo(1833.3, 0);
  });

  it("says nothing it was not told: no cache figure without cache counts, null for a silent server", () => {
    const ollamaLike = summarizeServer([outcome([attempt({ eval_ms: 1000, prompt_eval_ms: 200 })])]);
    expect(ollamaLike).toMatchObject({ cache_reuse: null, prompt_tokens_per_s: null, generation_tokens_per_s: 40 });
    expect(summarizeServer([outcome([attempt({})])])).toBeNull();
  });
});
