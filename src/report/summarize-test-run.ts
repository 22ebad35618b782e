import type { CommandResult } from "../workspace/command-runner.js";
import type { TestSummary } from "./report-schema.js";

/**
 * Reads pass/fail counts from the summary lines of common test runners (node:test, vitest, jest,
 * mocha, pytest, unittest, go test, cargo). Counts are best effort; `passed` is the exit status.
 */
export function summarizeTestRun(result: CommandResult): TestSummary {
  const counts = parseTestCounts(result.output);
  return {
    passed: result.exitCode === 0 && !result.timedOut && !result.cancelled && result.limitExceeded === undefined,
    exit_code: result.exitCode,
    timed_out: result.timedOut,
    failed_count: counts.failed,
    passed_count: counts.passed,
    duration_ms: result.durationMs,
  };
}

export function parseTestCounts(output: string): { failed: number | null; passed: number | null } {
  const text = output.replace(/\u001b\[[0-9;]*m/g, "");
  const last = (re: RegExp): number | null => {
    const all = [...text.matchAll(re)];
    const match = all[all.length - 1];
    return match?.[1] !== undefined ? Number(match[1]) : null;
  };
  // node:test (TAP "# pass 3" or spec "ℹ pass 3")
  const nodePass = last(/^(?:#|ℹ)\s+pass\s+(\d+)\s*$/gm);
  const nodeFail = last(/^(?:#|ℹ)\s+fail\s+(\d+)\s*$/gm);
  if (nodePass !== null || nodeFail !== null) return { passed: nodePass, failed: nodeFail };
  // vitest "Tests  2 failed | 10 passed (12)"
  const vitest = [...text.matchAll(/^\s*Tests\s+(.*\(\d+\))\s*$/gm)].pop()?.[1];
  if (vitest) return { failed: num(/(\d+) failed/.exec(vitest)) ?? 0, passed: num(/(\d+) passed/.exec(vitest)) ?? 0 };
  // jest "Tests:       2 failed, 10 passed, 12 total"
  const jest = [...text.matchAll(/^\s*Tests:\s+(.*total)\s*$/gm)].pop()?.[1];
  if (jest) return { failed: num(/(\d+) failed/.exec(jest)) ?? 0, passed: num(/(\d+) passed/.exec(jest)) ?? 0 };
  // pytest "=== 2 failed, 10 passed in 0.12s ==="
  const pytest = [...text.matchAll(/^=+ (.*\bin [\d.]+s.*) =+\s*$/gm)].pop()?.[1];
  if (pytest && /(passed|failed|error)/.test(pytest)) {
    const failed = (num(/(\d+) failed/.exec(pytest)) ?? 0) + (num(/(\d+) errors?/.exec(pytest)) ?? 0);
    return { failed, passed: num(/(\d+) passed/.exec(pytest)) ?? 0 };
  }
  // unittest "Ran 12 tests" + "FAILED (failures=2, errors=1)" / "OK"
  const ran = last(/^Ran (\d+) tests? in/gm);
  if (ran !== null) {
    const failedLine = [...text.matchAll(/^FAILED \(([^)]*)\)/gm)].pop()?.[1] ?? "";
    const failed = (num(/failures=(\d+)/.exec(failedLine)) ?? 0) + (num(/errors=(\d+)/.exec(failedLine)) ?? 0);
    const skipped = num(/skipped=(\d+)/.exec(failedLine)) ?? 0;
    return { failed, passed: Math.max(0, ran - failed - skipped) };
  }
  // mocha "10 passing" / "2 failing"
  const mochaPass = last(/^\s+(\d+) passing\b/gm);
  const mochaFail = last(/^\s+(\d+) failing\b/gm);
  if (mochaPass !== null || mochaFail !== null) return { passed: mochaPass ?? 0, failed: mochaFail ?? 0 };
  // cargo "test result: FAILED. 10 passed; 2 failed;"
  const cargo = [...text.matchAll(/^test result: \w+\. (\d+) passed; (\d+) failed;/gm)];
  if (cargo.length > 0) {
    return {
      passed: cargo.reduce((sum, m) => sum + Number(m[1]), 0),
      failed: cargo.reduce((sum, m) => sum + Number(m[2]), 0),
    };
  }
  // go test -v "--- FAIL:" / "--- PASS:" lines
  const goFail = (text.match(/^\s*--- FAIL:/gm) ?? []).length;
  const goPass = (text.match(/^\s*--- PASS:/gm) ?? []).length;
  if (goFail + goPass > 0) return { failed: goFail, passed: goPass };
  return { failed: null, passed: null };
}

function num(match: RegExpExecArray | null): number | null {
  return match?.[1] !== undefined ? Number(match[1]) : null;
}
