import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { isLoopbackRequest } from "../../src/dashboard/auth/is-loopback-request.js";
import { html } from "../../src/dashboard/html.js";
import { renderRunPage } from "../../src/dashboard/render-run-page.js";
import { safeHref } from "../../src/dashboard/safe-href.js";
import { buildReport } from "../../src/report/build-report.js";
import type { StoredRun } from "../../src/store/run-store-schema.js";
import { fixtureReport } from "../helpers/report-fixture.js";

function request(peer: string, headers: Record<string, string>): IncomingMessage {
  return { socket: { remoteAddress: peer }, headers } as unknown as IncomingMessage;
}

function stored(report: StoredRun["report"]): StoredRun {
  return {
    id: 1, source: "cli", jobId: null, repo: "sum", number: null, title: report.task.title, modelSpec: report.model.spec, outcome: report.outcome,
    exitReason: report.exit_reason, validityRaw: 0, validityEffective: 0, turns: report.turns.length, durationMs: report.duration_ms, promptTokens: 0,
    completionTokens: 0, tokensPerSecond: null, startedAt: report.started_at, finishedAt: report.started_at, installationId: null, target: null, actor: null,
    branch: null, checkRunId: null, pullRequestUrl: null, report, diff: null, hasTranscript: false,
  };
}

describe("dashboard rendering", () => {
  it("escapes every interpolated value, in text and in attributes, but not nested templates", () => {
    const hostile = `"><script>x()</script>' onmouseover='y()`;
    const out = html`<a title="${hostile}">${hostile}</a>${[html`<b>${"<i>"}</b>`, 3, null, false]}`.value;
    expect(out).toBe(
      '<a title="&quot;&gt;&lt;script&gt;x()&lt;/script&gt;&#39; onmouseover=&#39;y()">&quot;&gt;&lt;script&gt;x()&lt;/script&gt;&#39; onmouseover=&#39;y()</a><b>&lt;i&gt;</b>3',
    );
  });

  it("links only to our own pages and to http(s) addresses", () => {
    expect(safeHref("/local-agent/runs/1")).toBe("/local-agent/runs/1");
    expect(safeHref("https://github.com/o/r/pull/1")).toBe("https://github.com/o/r/pull/1");
    for (const bad of ["javascript:alert(1)", " javascript:alert(1)", "data:text/html,x", "//evil.example/x", "vbscript:x", null, ""]) expect(safeHref(bad)).toBeNull();
  });

  it("draws a run that never reached the agent (no turns) without NaN or Infinity", () => {
    const base = fixtureReport();
    const report = buildReport({
      task: { kind: "change", title: "setup broke", body: "", allowed: ["a.js"], kindReason: "", instructions: null },
      testCommand: "npm test",
      model: { spec: base.model.spec, backend: "ollama", name: "m", quantization: null, contextLength: null, numCtx: null, backendVersion: null, warnings: [] },
      outcome: "failed",
      exitReason: "setup command `npm ci` failed (exit 1)",
      exitKind: "setup_failed",
      scaffold: [],
      sandbox: { mode: "bwrap", limits: {} },
      turns: [],
      summary: null,
      answer: null,
      filesChanged: [],
      startedAt: new Date("2026-12-01T00:00:00Z"),
      durationMs: 1200,
      testsBefore: null,
      testsAfter: null,
    });
    const page = renderRunPage(stored(report)).value;
    expect(page).not.toMatch(/NaN|Infinity/);
    expect(page).toContain("No diff was recorded for this run.");
    expect(page).toContain("Per-turn report: 0 turns");
  });

  it("describes each chart in words for screen readers", () => {
    const page = renderRunPage(stored(fixtureReport())).value;
    expect(page).toContain("8 turns; the largest prompt was 8,200 tokens, against a context budget of 9,830 and a model window (num_ctx) of 16,384. Summaries at turn 4; tool schemas re-injected at turn 5.");
    expect(page).toContain("Of 7 agent turns, 5 had a valid first reply and 7 ended with a valid call (2 rescued by the scaffolding).");
    expect(page).toMatch(/role="img" aria-labelledby="chart-latency-title chart-latency-desc"/);
  });
});

describe("isLoopbackRequest", () => {
  it.each([
    ["127.0.0.1", { host: "127.0.0.1:3000" }, true],
    ["::1", { host: "[::1]:3000" }, true],
    ["::ffff:127.0.0.1", { host: "localhost:3000" }, true],
    ["10.0.0.8", { host: "127.0.0.1:3000" }, false],
    ["127.0.0.1", { host: "agent.example.com" }, false],
    ["127.0.0.1", { host: "127.0.0.1.evil.example" }, false],
    ["127.0.0.1", { host: "127.0.0.1:3000", "x-forwarded-for": "203.0.113.1" }, false],
    ["127.0.0.1", { host: "127.0.0.1:3000", forwarded: "for=203.0.113.1" }, false],
    ["127.0.0.1", { host: "127.0.0.1:3000", via: "1.1 nginx" }, false],
    ["127.0.0.1", {}, false],
  ])("peer %s with %j → %s", (peer, headers, expected) => {
    expect(isLoopbackRequest(request(peer, headers))).toBe(expected);
  });
});
