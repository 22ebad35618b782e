import { inlineCode } from "../github/render/inline-code.js";
import type { GitHubPart } from "../github/render/render-for-github.js";
import type { Report } from "../report/report-schema.js";
import { renderMarkdown } from "../report/render-markdown.js";
import { ALLOWED_FILES_SYNTAX } from "../task/build-task.js";

/**
 * What the app says on GitHub. Each message says what happened and what the reader can do, and
 * carries the report when there is one. Pure functions of their inputs, returning the parts the
 * one renderer (`renderForGitHub`) turns into markdown: the app's own words, and the text it did
 * not write (the model's answer, an exit reason, an error) marked as such.
 */

const SIGNATURE = "<sub>local-agent · a local model working through a scaffolded tool loop</sub>";
/** Room for the model's answer in a comment; the report and the signature always fit after it. */
export const MAX_ANSWER = 20_000;
const NOTE = "the full report is in the check run";

const signed = (parts: GitHubPart[]): GitHubPart[] => [...parts, { own: `\n\n${SIGNATURE}` }];
const reportParts = (report: Report, options: Parameters<typeof renderMarkdown>[1]): GitHubPart => ({ markdown: renderMarkdown(report, options).trim(), note: NOTE });

export function refusalMessage(params: { actor: string; reason: string; label: string }): GitHubPart[] {
  return signed([
    { own: `@${params.actor}: local-agent only runs for collaborators with write access to this repository (` },
    { untrusted: params.reason, style: "inline", max: 300 },
    { own: `).\nAsk a maintainer to add the \`${params.label}\` label or to comment \`/fix\`.` },
  ]);
}

export function invalidConfigMessage(params: { branch: string; message: string }): GitHubPart[] {
  return signed([
    { own: `local-agent did not start: \`.github/local-agent.yml\` on ${inlineCode(params.branch)} is not valid.\n\n` },
    { markdown: params.message, max: 20_000, note: "fix the problems above first" },
    { own: "\n\nFix the file on the default branch, then comment `/fix` or add the label again." },
  ]);
}

export function taskRefusedMessage(params: { message: string }): GitHubPart[] {
  const [headline = "", ...rest] = params.message.split("\n");
  return signed([{ own: "local-agent did not start: " }, { markdown: [headline, "", ...rest].join("\n").replace(/\n{3,}/g, "\n\n").trim(), max: 20_000 }]);
}

/** A target the app does not work on: closed, merged, locked, or a pull request from a fork. */
export function targetRefusedMessage(params: { what: string; hint: string }): GitHubPart[] {
  return signed([{ own: `local-agent did not start: ${params.what}\n\n**What you can do:** ${params.hint}` }]);
}

export function answerMessage(params: { report: Report }): GitHubPart[] {
  return signed([
    { own: "**local-agent's answer**\n\n" },
    { untrusted: params.report.answer ?? "", style: "quote", max: MAX_ANSWER },
    { own: "\n\n" },
    reportParts(params.report, { collapsible: true, heading: "<details><summary>Reliability report</summary>\n" }),
    { own: "\n</details>" },
  ]);
}

/** The outcome of a change as a comment (no PR was opened, or /fix updated a PR). `headline` ends with the untrusted exit reason. */
export function resultMessage(params: { report: Report; headline: string; reason?: string; hint: string | null }): GitHubPart[] {
  return signed([
    { own: params.headline },
    ...(params.reason ? [{ untrusted: params.reason, style: "inline", max: 600 } as const, { own: "." }] : []),
    { own: "\n\n" },
    ...(params.hint ? [{ own: `**What you can do:** ${params.hint}\n\n` }] : []),
    reportParts(params.report, { collapsible: true }),
  ]);
}

/** A failure, `what` being text the app may not have written (an error from git, the model server, GitHub). */
export function errorMessage(params: { what: string; hint: string }): GitHubPart[] {
  return signed([{ own: "local-agent could not finish this: " }, { untrusted: params.what, style: "inline", max: 2_000 }, { own: `\n\n**What you can do:** ${params.hint}` }]);
}

export function cancelledMessage(params: { by: string | null }): GitHubPart[] {
  return signed([{ own: `local-agent stopped: the run was cancelled${params.by ? ` by @${params.by}` : ""}. Nothing was pushed.` }]);
}

export function recoveryMessage(params: { resumed: boolean; attempts: number; maxAttempts: number }): GitHubPart[] {
  return signed([
    {
      own: params.resumed
        ? `local-agent restarted while it was working on this; it will start the run again (attempt ${params.attempts + 1} of ${params.maxAttempts}).`
        : `local-agent restarted while it was working on this and has no attempts left (${params.attempts} of ${params.maxAttempts}). Comment \`/fix\` or add the label again to retry.`,
    },
  ]);
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

/** What to check when a job ran past the app's deadline: almost always a model server that stopped answering. */
export const DEADLINE_HINT =
  "The model server most likely stopped answering. Check that it runs and that OLLAMA_HOST (or the llamacpp URL) points at it, read the model server's log for errors or out-of-memory kills, and check OLLAMA_NUM_PARALLEL (a server busy with other requests queues this one). Then comment `/fix` to try again.";

export { ALLOWED_FILES_SYNTAX };
