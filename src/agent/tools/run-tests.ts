import { clipText } from "./clip-text.js";
import type { Observation } from "../../protocol/observation.js";
import type { ToolContext } from "./tool-context.js";
import { TOOL_RESULT } from "../../protocol/tool-messages.js";

/** `run_tests`: the repository's test command in the sandboxed runner. */
export async function runTests(ctx: ToolContext): Promise<Observation> {
  if (!ctx.runTests) {
    return {
      ok: false,
      text: "This repository has no test command configured, so tests cannot be run. Check your change by reading the code, then call finish.",
    };
  }
  const run = await ctx.runTests(ctx.signal);
  ctx.workspace.invalidate();
  const { summary } = run;
  const counts = [
    summary.failed_count !== null ? `${summary.failed_count} failed` : null,
    summary.passed_count !== null ? `${summary.passed_count} passed` : null,
  ]
    .filter(Boolean)
    .join(", ");
  const seconds = (summary.duration_ms / 1000).toFixed(1);
  const status = summary.timed_out
    ? `Tests TIMED OUT after ${seconds}s (killed)`
    : summary.passed
      ? `${TOOL_RESULT.testsPassed} (exit 0${counts ? `, ${counts}` : ""}) in ${seconds}s`
      : `Tests FAILED (exit ${summary.exit_code ?? "killed"}${counts ? `, ${counts}` : ""}) in ${seconds}s`;
  const output = run.output.trim();
  // Failures and the summary are usually at the end; the first error is often at the start.
  const shown = summary.passed ? clipText(output, 1500, 0.2) : clipText(output, ctx.maxObservationChars, 0.35);
  return { ok: true, text: `${status}.\n${shown}`, tests: run };
}
