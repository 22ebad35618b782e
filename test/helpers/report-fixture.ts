import { buildReport } from "../../src/report/build-report.js";
import type { Report, TurnRecord } from "../../src/report/report-schema.js";

/** A turn record with plausible figures; fields override. */
export function fixtureTurn(n: number, fields: Partial<TurnRecord> = {}): TurnRecord {
  const prompt = fields.prompt_tokens ?? 1000 + n * 900;
  return {
    n,
    kind: "agent",
    raw_valid: true,
    valid: true,
    tool: "read_file",
    error: null,
    interventions: [],
    failure_mode: null,
    prompt_tokens: prompt,
    completion_tokens: 40,
    latency_ms: 1200 + n * 50,
    attempts: [{ raw_valid: true, error: null, done_reason: "stop", prompt_tokens: prompt, completion_tokens: 40, latency_ms: 1200 + n * 50 }],
    note: null,
    ...fields,
  };
}

/**
 * A report with every kind of turn the dashboard draws: a repaired call, a retried hallucination,
 * a scrollback summary, a schema re-injection, a blocked wrong-file edit. `hostile` puts markup
 * and script in every model-written field, to prove the pages escape it.
 */
export function fixtureReport(params: { title?: string; outcome?: Report["outcome"]; hostile?: string; startedAt?: Date; model?: string } = {}): Report {
  const hostile = params.hostile ?? null;
  const turns: TurnRecord[] = [
    fixtureTurn(1),
    fixtureTurn(2, { raw_valid: false, interventions: ["repaired_json"], note: hostile ?? "repaired a trailing comma" }),
    fixtureTurn(3, {
      raw_valid: false,
      tool: "edit_file",
      interventions: ["retry"],
      failure_mode: "tool_call_hallucination",
      error: hostile ?? "edit_file: old_text does not occur in src/sum.js",
      attempts: [
        { raw_valid: false, error: "invalid args", done_reason: "stop", prompt_tokens: 3700, completion_tokens: 50, latency_ms: 1400 },
        { raw_valid: true, error: null, done_reason: "stop", prompt_tokens: 3800, completion_tokens: 45, latency_ms: 1300 },
      ],
    }),
    fixtureTurn(4, { kind: "summary", tool: null, interventions: ["summarized"], prompt_tokens: 4200, note: "recap of turns 1–3" }),
    fixtureTurn(5, { interventions: ["schema_reinjected"], prompt_tokens: 1800 }),
    fixtureTurn(6, { tool: "write_file", valid: true, interventions: ["scope_blocked"], failure_mode: "wrong_file_edit", error: "\"README.md\" is not one of the allowed files" }),
    fixtureTurn(7, { tool: "run_tests" }),
    fixtureTurn(8, { tool: "finish", note: hostile ?? "finish accepted" }),
  ];
  return buildReport({
    task: { kind: "change", title: params.title ?? "sum() subtracts instead of adding", body: "", allowed: ["src/sum.js"], kindReason: "", instructions: null },
    testCommand: "npm test",
    model: {
      spec: params.model ?? "ollama:qwen2.5-coder:7b",
      backend: "ollama",
      name: "qwen2.5-coder:7b",
      quantization: "Q4_K_M",
      contextLength: 32768,
      numCtx: 16384,
      backendVersion: "0.12.9",
      warnings: [],
    },
    outcome: params.outcome ?? "completed",
    exitReason: "finish accepted; tests pass after the run",
    exitKind: "finished",
    contextBudget: 9830,
    scaffold: ["grammar", "repair", "retry", "reinject", "context", "loops", "stops", "scope"],
    sandbox: { mode: "bwrap", limits: { timeout_s: 600 } },
    turns,
    summary: hostile ?? "sum now adds its arguments.",
    answer: null,
    filesChanged: ["src/sum.js"],
    startedAt: params.startedAt ?? new Date("2026-12-01T10:00:00Z"),
    durationMs: 65_000,
    testsBefore: { passed: false, exit_code: 1, timed_out: false, failed_count: 1, passed_count: 0, duration_ms: 800 },
    testsAfter: { passed: true, exit_code: 0, timed_out: false, failed_count: 0, passed_count: 1, duration_ms: 700 },
  });
}
