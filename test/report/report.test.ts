import { describe, expect, it } from "vitest";
import { buildReport } from "../../src/report/build-report.js";
import { ReportSchema, type TurnRecord } from "../../src/report/report-schema.js";
import { renderMarkdown } from "../../src/report/render-markdown.js";
import { parseTestCounts } from "../../src/report/summarize-test-run.js";

describe("parseTestCounts", () => {
  it.each([
    ["node:test TAP", "# tests 3\n# pass 2\n# fail 1\n", 1, 2],
    ["node:test spec", "ℹ tests 4\nℹ pass 4\nℹ fail 0\n", 0, 4],
    ["vitest", " Test Files  1 failed (1)\n      Tests  2 failed | 10 passed (12)\n", 2, 10],
    ["jest", "Tests:       1 failed, 7 passed, 8 total\n", 1, 7],
    ["pytest", "========= 2 failed, 10 passed, 1 error in 0.52s =========\n", 3, 10],
    ["unittest failing", "Ran 12 tests in 0.003s\n\nFAILED (failures=2, errors=1)\n", 3, 9],
    ["unittest ok", "Ran 5 tests in 0.001s\n\nOK\n", 0, 5],
    ["mocha", "  10 passing (20ms)\n  2 failing\n", 2, 10],
    ["cargo", "test result: FAILED. 3 passed; 1 failed; 0 ignored;\ntest result: ok. 2 passed; 0 failed; 0 ignored;\n", 1, 5],
    ["go", "=== RUN   TestA\n--- PASS: TestA (0.00s)\n--- FAIL: TestB (0.00s)\nFAIL\n", 1, 1],
    ["colors", "\u001b[32m# pass 1\u001b[0m\n\u001b[31m# fail 0\u001b[0m\n", 0, 1],
  ])("%s", (_name, output, failed, passed) => {
    expect(parseTestCounts(output)).toEqual({ failed, passed });
  });
  it("returns nulls when nothing is recognisable", () => {
    expect(parseTestCounts("make: *** [test] Error 1")).toEqual({ failed: null, passed: null });
  });
});

const turn = (n: number, fields: Partial<TurnRecord> = {}): TurnRecord => ({
  n,
  kind: "agent",
  raw_valid: true,
  valid: true,
  tool: "read_file",
  error: null,
  interventions: [],
  failure_mode: null,
  prompt_tokens: 100,
  completion_tokens: 10,
  latency_ms: 1500,
  attempts: [{ raw_valid: true, error: null, done_reason: "stop", prompt_tokens: 100, completion_tokens: 10, latency_ms: 1500 }],
  note: null,
  ...fields,
});

function sample() {
  return buildReport({
    task: { kind: "change", title: "Fix | pipe @octocat <b>bold</b>", body: "", allowed: ["src/a.ts"], kindReason: "", instructions: null },
    testCommand: "npm test",
    model: { spec: "ollama:q:7b", backend: "ollama", name: "q:7b", quantization: "Q5_K_M", contextLength: 32768, numCtx: 32768, backendVersion: "0.12.9", warnings: [] },
    outcome: "completed",
    exitReason: "finish accepted; tests pass after the run",
    scaffold: ["grammar", "retry"],
    sandbox: { mode: "bwrap", limits: { timeout_s: 600 } },
    turns: [
      turn(1, {
        raw_valid: false,
        interventions: ["retry"],
        failure_mode: "tool_call_hallucination",
        attempts: [
          { raw_valid: false, error: "x", done_reason: "stop", prompt_tokens: 100, completion_tokens: 10, latency_ms: 1000 },
          { raw_valid: true, error: null, done_reason: "stop", prompt_tokens: 120, completion_tokens: 10, latency_ms: 1000 },
        ],
      }),
      turn(2, { kind: "summary", tool: null, interventions: ["summarized"] }),
      turn(3, { tool: "edit_file", note: "edit | with pipe\nand newline" }),
      turn(4, { valid: false, raw_valid: false, tool: null, error: "bad", failure_mode: "schema_drift", attempts: [{ raw_valid: false, error: "bad", done_reason: null, prompt_tokens: 1, completion_tokens: 1, latency_ms: 1 }] }),
    ],
    summary: "Thanks @octocat! <script>alert(1)</script>",
    answer: null,
    filesChanged: ["src/a.ts"],
    startedAt: new Date("2026-01-01T00:00:00Z"),
    durationMs: 65_000,
    testsBefore: { passed: false, exit_code: 1, timed_out: false, failed_count: 2, passed_count: 3, duration_ms: 10 },
    testsAfter: { passed: true, exit_code: 0, timed_out: false, failed_count: 0, passed_count: 5, duration_ms: 10 },
  });
}

describe("buildReport", () => {
  it("computes totals from the turns and validates against the schema", () => {
    const report = ReportSchema.parse(sample());
    expect(report.totals).toMatchObject({
      turns: 4,
      model_calls: 5,
      tool_calls: 2,
      retries: 1,
      validity_effective: 2 / 3,
    });
    // Raw validity counts model calls of agent turns: 2 of 4 were valid without repair.
    expect(report.totals.validity_raw).toBeCloseTo(2 / 4);
    expect(report.totals.interventions).toMatchObject({ retry: 1, summarized: 1, stripped_fence: 0 });
    expect(report.totals.failure_modes).toMatchObject({ tool_call_hallucination: 1, schema_drift: 1, premature_stop: 0 });
  });
});

describe("renderMarkdown", () => {
  it("renders the summary and per-turn tables, escaping model text", () => {
    const md = renderMarkdown(sample(), { collapsible: true });
    expect(md).toContain("| Tool-call validity | raw 50.0% → effective 66.7% |");
    expect(md).toContain("| Tests | ✗ 2 failing, 3 passing → ✓ 0 failing, 5 passing (`npm test`) |");
    expect(md).toContain("Fix \\| pipe @\u200boctocat &lt;b&gt;bold&lt;/b&gt;");
    expect(md).not.toContain("<script>");
    expect(md).not.toMatch(/@octocat/);
    expect(md).toContain("<details><summary>Per-turn report (4 turns)</summary>");
    expect(md).toContain("edit \\| with pipe and newline");
    for (const line of md.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| |"))) {
      // Every table row keeps its column count: pipes inside cells are escaped.
      const cells = line.replace(/\\\|/g, "").split("|").length;
      expect([4, 12]).toContain(cells);
    }
  });
});
