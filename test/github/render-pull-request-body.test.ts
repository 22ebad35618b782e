import { describe, expect, it } from "vitest";
import { renderPullRequestBody } from "../../src/github/render-pull-request-body.js";
import { GITHUB_BODY_LIMIT } from "../../src/github/render/render-for-github.js";
import { buildReport } from "../../src/report/build-report.js";
import type { TurnRecord } from "../../src/report/report-schema.js";
import { closingReferences } from "../helpers/github-closing-references.js";

const HOSTILE_SUMMARY = "This also fixes #1, Closes: #2, resolved octo/other#3 and fixes https://github.com/octo/calc/issues/4. cc @org/security-team";

const turn = (n: number, fields: Partial<TurnRecord> = {}): TurnRecord => ({
  n,
  kind: "agent",
  raw_valid: true,
  valid: true,
  tool: "edit_file",
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

function hostileReport(params: { summary: string; turns?: TurnRecord[]; title?: string }) {
  return buildReport({
    task: { kind: "change", title: params.title ?? "sum() subtracts; CLOSES #5", body: "", allowed: ["src/sum.js"], kindReason: "", instructions: null },
    testCommand: "npm test",
    model: { spec: "ollama:qwen2.5-coder:7b", backend: "ollama", name: "qwen2.5-coder:7b", quantization: "Q5_K_M", contextLength: 32768, numCtx: 32768, backendVersion: "0.12.9", warnings: [] },
    outcome: "completed",
    exitReason: "finish accepted; tests pass after the run",
    scaffold: ["grammar", "retry"],
    sandbox: { mode: "bwrap", limits: { timeout_s: 600 } },
    turns: params.turns ?? [
      turn(1, { tool: "read_file", note: "Resolves: #6 (the model's note)" }),
      turn(2, { error: "edit refused; fixes octo/calc#7 instead" }),
      turn(3, { tool: "finish", note: "fixed https://github.com/octo/calc/issues/8" }),
    ],
    summary: params.summary,
    answer: null,
    filesChanged: ["src/sum.js"],
    startedAt: new Date("2026-03-01T10:00:00Z"),
    durationMs: 42_000,
    testsBefore: { passed: false, failed_count: 1, passed_count: 0, timed_out: false, exit_code: 1, duration_ms: 100 },
    testsAfter: { passed: true, failed_count: 0, passed_count: 1, timed_out: false, exit_code: 0, duration_ms: 100 },
  });
}

const render = (report: ReturnType<typeof hostileReport>, diff = [{ path: "src/sum.js", added: 1, removed: 1 }]) =>
  renderPullRequestBody({ report, issueNumber: 12, diff, actor: "alice", via: "label", draftReason: null, secrets: [] });

describe("renderPullRequestBody", () => {
  it("keeps `Fixes #12` as the only closing reference: none survives from the summary, the per-turn notes or the title", () => {
    const report = hostileReport({ summary: HOSTILE_SUMMARY });
    const body = render(report);
    expect(closingReferences(HOSTILE_SUMMARY)).toHaveLength(4);
    expect(body.startsWith("Fixes #12\n")).toBe(true);
    expect(closingReferences(body)).toEqual(["#12"]);
    expect(body).toContain("@\u200borg/security-team");
    // Still readable: the notes and the summary are all there once the zero-width spaces are removed.
    const plain = body.replace(/\u200b/g, "");
    for (const text of ["fixes https://github.com/octo/calc/issues/4", "Resolves: #6", "fixes octo/calc#7 instead", "fixed https://github.com/octo/calc/issues/8", "CLOSES #5"]) {
      expect(plain).toContain(text);
    }
  });

  it("a 60k-character summary and a huge per-turn table are cut; the app's sections and footer survive within 65,536 characters", () => {
    const turns = Array.from({ length: 400 }, (_, i) => turn(i + 1, { note: `fixes #${i + 100} ${"n".repeat(290)}` }));
    const body = render(hostileReport({ summary: `fixes #99 ${"s".repeat(60_000)}`, turns }));
    expect(body.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
    for (const section of ["Fixes #12", "### What changed", "### Tests", "`npm test`: ✗ 1 failing before → ✓ 0 failing after", "### Model", "### Reliability report"]) {
      expect(body).toContain(section);
    }
    expect(body).toMatch(/\n---\nWritten by a local model through local-agent, started by @alice with the label\. Review it like any contribution\.$/);
    expect(body).toMatch(/characters; cut to fit\)/);
    expect(body).toContain("more characters cut: the full per-turn report is in the check run");
    expect(closingReferences(body)).toEqual(["#12"]);
    // The cut per-turn table is closed, so the footer is not inside the collapsed section.
    const afterTable = body.slice(body.lastIndexOf("<details>"));
    expect(afterTable).toContain("</details>");
  });

  it("links the run on the dashboard after the report: the link survives a cut report, and a parenthesis in the address cannot end it", () => {
    const turns = Array.from({ length: 400 }, (_, i) => turn(i + 1, { note: "n".repeat(300) }));
    const report = hostileReport({ summary: "s".repeat(60_000), turns });
    const base = { report, issueNumber: 12, diff: [{ path: "src/sum.js", added: 1, removed: 1 }], actor: "alice", via: "label" as const, draftReason: null, secrets: [] };
    const body = renderPullRequestBody({ ...base, runUrl: "https://agent.example.com/local-agent/jobs/3" });
    expect(body.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
    expect(body).toContain(
      "the full per-turn report is in the check run)\n\n[This run turn by turn on the dashboard](https://agent.example.com/local-agent/jobs/3): context and validity charts, the transcript to replay.\n\n---\n",
    );
    const odd = renderPullRequestBody({ ...base, report: hostileReport({ summary: "ok" }), runUrl: "https://agent.example.com/a)b (c)/local-agent/jobs/3" });
    expect(odd).toContain("(https://agent.example.com/a%29b%20%28c%29/local-agent/jobs/3)");
    expect(renderPullRequestBody({ ...base, runUrl: null })).not.toContain("on the dashboard");
  });

  it("file names with backticks, mentions or HTML stay inert in the diffstat", () => {
    const body = render(hostileReport({ summary: "ok" }), [{ path: "docs/`@team` <b>x</b>.md", added: 2, removed: 0 }]);
    expect(body).toContain("- `` docs/`@team` <b>x</b>.md `` (+2 −0)");
  });
});
