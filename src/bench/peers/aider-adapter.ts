import fs from "node:fs/promises";
import path from "node:path";
import type { PeerAdapter, PeerEnding, PeerRunSettings } from "./peer-adapter.js";

/** Aider's fixed limit on automatic follow-ups (edit-format errors, failing tests) per message. */
const AIDER_MAX_REFLECTIONS = 3;

/**
 * Aider in its scripted mode: one `--message` (the issue), files added without asking
 * (`--yes-always`), the task's test command run after each edit with the failures fed back
 * (`--test-cmd --auto-test`, its own agentic loop); question tasks in `--chat-mode ask`.
 */
export function createAiderAdapter(): PeerAdapter {
  return {
    ownFiles: /^\.aider/,
    async prepare(settings) {
      const home = path.join(settings.scratch, "home");
      await fs.mkdir(home, { recursive: true });
      const messageFile = path.join(settings.scratch, "message.md");
      await fs.writeFile(messageFile, settings.issueText);
      // Temperature and reply length go in through aider's model settings, like a user would set them.
      const modelSettings = path.join(settings.scratch, "model-settings.yml");
      await fs.writeFile(
        modelSettings,
        `- name: openai/${settings.model}\n  extra_params:\n    temperature: ${settings.temperature}\n    max_tokens: 2048\n`,
      );
      const args = [
        "--model", `openai/${settings.model}`,
        "--openai-api-base", settings.openaiBase,
        "--openai-api-key", "local",
        "--model-settings-file", modelSettings,
        "--message-file", messageFile,
        "--yes-always",
        // A commit message is one more model call our agent does not make; the diff is scored either way.
        "--no-auto-commits", "--no-dirty-commits",
        // Aider would otherwise add `.aider*` to the task's .gitignore: a file the task did not ask to change.
        "--no-gitignore",
        "--no-stream", "--no-pretty", "--no-fancy-input",
        "--no-check-update", "--no-show-release-notes", "--no-show-model-warnings", "--no-analytics",
        "--timeout", String(Math.ceil(settings.timeoutMs / 1000)),
        "--chat-history-file", path.join(settings.scratch, "chat.md"),
        "--input-history-file", path.join(settings.scratch, "input.history"),
        "--llm-history-file", path.join(settings.scratch, "llm.log"),
        ...(settings.kind === "question" ? ["--chat-mode", "ask"] : ["--test-cmd", settings.testCommand, "--auto-test"]),
      ];
      // HOME in the scratch folder: aider's per-user files (analytics id, caches) stay out of the real one.
      return { args, env: { HOME: home, LITELLM_LOCAL_MODEL_COST_MAP: "True", AIDER_ANALYTICS: "false" } };
    },
    async readEnding({ settings, exitCode, timedOut, output }) {
      const chat = await fs.readFile(path.join(settings.scratch, "chat.md"), "utf8").catch(() => "");
      return readAiderEnding({ settings, exitCode, timedOut, output, chat });
    },
    describe: ({ timeoutMs, temperature }) =>
      `aider --message-file ISSUE --yes-always --no-auto-commits --no-stream --test-cmd TEST --auto-test (question tasks: --chat-mode ask); temperature ${temperature} via --model-settings-file; aider's own follow-up limit (${AIDER_MAX_REFLECTIONS} reflections) in place of a step limit, which aider does not have; killed after ${timeoutMs / 1000} s`,
  };
}

/** Reads aider's ending off its console output and chat history. */
export function readAiderEnding(params: { settings: Pick<PeerRunSettings, "kind">; exitCode: number | null; timedOut: boolean; output: string; chat: string }): PeerEnding {
  const { output } = params;
  const answer = params.settings.kind === "question" ? assistantText(params.chat) : null;
  const line = (pattern: RegExp) => output.split("\n").find((l) => pattern.test(l))?.trim() ?? "";
  if (params.timedOut) return { ending: "timeout", answer, detail: "killed at the time limit" };
  if (/did not conform to the edit format|SEARCH\/REPLACE block failed to match/i.test(output)) {
    if (!/Applied edit to/i.test(output)) return { ending: "format_error", answer, detail: line(/did not conform|failed to match/i) };
  }
  if (/Only \d+ reflections allowed/i.test(output)) return { ending: "step_limit", answer, detail: line(/reflections allowed/i) };
  if (params.exitCode !== 0) return { ending: "crashed", answer, detail: line(/error|exception|traceback/i) || `exit ${params.exitCode}` };
  if (params.settings.kind === "change" && !/Applied edit to/i.test(output)) return { ending: "gave_up", answer, detail: "no edit applied" };
  return { ending: "finished", answer, detail: line(/Applied edit to/i) };
}

/** The assistant's text in aider's chat history: user lines start with `#### `, tool output with `> `. */
function assistantText(chat: string): string | null {
  const text = chat
    .split("\n")
    .filter((line) => !line.startsWith("#### ") && !line.startsWith("> ") && !line.startsWith("# aider chat started"))
    .join("\n")
    .trim();
  return text === "" ? null : text;
}
