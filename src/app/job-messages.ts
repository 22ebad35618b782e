import type { Report } from "../report/report-schema.js";
import { renderMarkdown } from "../report/render-markdown.js";
import { ALLOWED_FILES_SYNTAX } from "../task/build-task.js";

/**
 * What the app says on GitHub. Each message says what happened and what the reader can do, and
 * carries the report when there is one. Pure functions of their inputs.
 */

const SIGNATURE = "<sub>local-agent · a local model working through a scaffolded tool loop</sub>";

export function refusalMessage(params: { actor: string; reason: string; label: string }): string {
  return [
    `@${params.actor}: local-agent only runs for collaborators with write access to this repository (${params.reason}).`,
    `Ask a maintainer to add the \`${params.label}\` label or to comment \`/fix\`.`,
    "",
    SIGNATURE,
  ].join("\n");
}

export function invalidConfigMessage(params: { branch: string; message: string }): string {
  return [
    `local-agent did not start: \`.github/local-agent.yml\` on \`${params.branch}\` is not valid.`,
    "",
    params.message,
    "",
    "Fix the file on the default branch, then comment `/fix` or add the label again.",
    "",
    SIGNATURE,
  ].join("\n");
}

export function taskRefusedMessage(params: { message: string }): string {
  return [`local-agent did not start: ${params.message.split("\n")[0]}`, "", ...params.message.split("\n").slice(1), "", SIGNATURE].join("\n").replace(/\n{3,}/g, "\n\n");
}

export function answerMessage(params: { report: Report }): string {
  const answer = params.report.answer ?? "";
  return [
    "**local-agent's answer**",
    "",
    answer
      .trim()
      .split("\n")
      .map((line) => `> ${line.replace(/</g, "&lt;")}`)
      .join("\n"),
    "",
    renderMarkdown(params.report, { collapsible: true, heading: "<details><summary>Reliability report</summary>\n" }).trim(),
    "</details>",
    "",
    SIGNATURE,
  ].join("\n");
}

/** The outcome of a change as a comment (no PR was opened, or /fix updated a PR). */
export function resultMessage(params: { report: Report; headline: string; hint: string | null }): string {
  return [params.headline, "", ...(params.hint ? [`**What you can do:** ${params.hint}`, ""] : []), renderMarkdown(params.report, { collapsible: true }).trim(), "", SIGNATURE].join("\n");
}

export function errorMessage(params: { what: string; hint: string }): string {
  return [`local-agent could not finish this: ${params.what}`, "", `**What you can do:** ${params.hint}`, "", SIGNATURE].join("\n");
}

export function cancelledMessage(params: { by: string | null }): string {
  return [`local-agent stopped: the run was cancelled${params.by ? ` by @${params.by}` : ""}. Nothing was pushed.`, "", SIGNATURE].join("\n");
}

export function recoveryMessage(params: { resumed: boolean; attempts: number; maxAttempts: number }): string {
  return params.resumed
    ? `local-agent restarted while it was working on this; it will start the run again (attempt ${params.attempts + 1} of ${params.maxAttempts}).\n\n${SIGNATURE}`
    : `local-agent restarted while it was working on this and has no attempts left (${params.attempts} of ${params.maxAttempts}). Comment \`/fix\` or add the label again to retry.\n\n${SIGNATURE}`;
}

/** What a maintainer can do about a failed run, read off how it ended. */
export function hintForReport(report: Report): string | null {
  const reason = report.exit_reason;
  if (report.outcome === "completed" || report.outcome === "answered") return null;
  if (/cannot reach|unreachable|connection refused/i.test(reason)) {
    return "Check that the model server runs on the app's host and that OLLAMA_HOST (or the llamacpp URL, or OPENAI_BASE_URL for openai:) points at it, then comment `/fix`.";
  }
  if (/not pulled|ollama pull|not found/i.test(reason)) return "Pull the model on the model server (the message above names the command) or change LOCAL_AGENT_MODEL, then comment `/fix`.";
  if (/^setup command/.test(reason)) return "Fix the `setup` command in `.github/local-agent.yml` on the default branch.";
  if (/no file was changed/.test(reason)) return "The model did not change any allowed file. Check that the issue names the right files, and describe the expected behavior (a failing test helps).";
  if (/max turns|wall-clock/.test(reason)) return "The run hit its limit. Narrow the task (fewer allowed files, a failing test that shows the bug) or raise `max_turns`/`timeout_minutes` in `.github/local-agent.yml`.";
  if (/loop detected|invalid tool calls|no valid tool call|too early|stopped/.test(reason)) {
    return "The model lost the agent loop (see the per-turn report). Narrow the task, or use a larger or less quantized model (q5 is the realistic floor for 8B).";
  }
  if (/tests fail/.test(reason)) return "The change does not make the tests pass yet; the draft pull request holds the partial work for a human to finish, or comment `/fix` with more guidance.";
  if (/context/.test(reason)) return "The conversation outgrew the model's context window; narrow the task or raise num_ctx on the model server.";
  return "See the per-turn report for what happened; comment `/fix` with more guidance to try again.";
}

export { ALLOWED_FILES_SYNTAX };
