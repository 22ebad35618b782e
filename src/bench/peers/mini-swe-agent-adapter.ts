import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import type { PeerAdapter, PeerEnding } from "./peer-adapter.js";

/** The part of mini-swe-agent's trajectory file (`-o`) the bench reads. */
const TrajectorySchema = z.object({
  info: z.object({
    /** `Submitted`, `LimitsExceeded`, `RepeatedFormatError`, `TimeExceeded`, or an exception's class name. */
    exit_status: z.string(),
    submission: z.string().nullish(),
  }),
  messages: z.array(z.object({ role: z.string(), content: z.unknown() })).default([]),
});

/**
 * mini-swe-agent's `mini` in its scripted mode: `--yolo --exit-immediately` (run every command,
 * exit when it submits), the shipped text-based config (`mini_textbased.yaml`: one fenced bash
 * block per reply, which a small model on any OpenAI-compatible server can follow without
 * server-side tool calling), with our step limit, wall clock and temperature set on it.
 */
export function createMiniSweAgentAdapter(): PeerAdapter {
  return {
    ownFiles: /^$/,
    async prepare(settings) {
      const home = path.join(settings.scratch, "home");
      await fs.mkdir(home, { recursive: true });
      const trajectory = path.join(settings.scratch, "trajectory.json");
      const args = [
        "-c", "mini_textbased.yaml",
        "-c", `agent.step_limit=${settings.maxSteps}`,
        // Local models cost nothing; litellm cannot price them, so cost is neither a limit nor an error.
        "-c", "agent.cost_limit=0",
        "-c", `agent.wall_time_limit_seconds=${Math.ceil(settings.timeoutMs / 1000)}`,
        "-c", `model.model_kwargs.temperature=${settings.temperature}`,
        "-c", "model.model_kwargs.max_tokens=2048",
        "-c", `model.model_kwargs.api_base=${settings.openaiBase}`,
        "-c", "model.model_kwargs.api_key=local",
        "-c", "model.cost_tracking=ignore_errors",
        "-c", `environment.cwd=${settings.checkout}`,
        "--model-class", "litellm_textbased",
        "-m", `openai/${settings.model}`,
        "-t", settings.issueText,
        "--yolo", "--exit-immediately",
        "-o", trajectory,
      ];
      return {
        args,
        env: {
          HOME: home,
          MSWEA_CONFIGURED: "true",
          MSWEA_GLOBAL_CONFIG_DIR: path.join(settings.scratch, "mswea"),
          MSWEA_COST_TRACKING: "ignore_errors",
          LITELLM_LOCAL_MODEL_COST_MAP: "True",
        },
      };
    },
    async readEnding({ settings, timedOut, exitCode, output }) {
      const text = await fs.readFile(path.join(settings.scratch, "trajectory.json"), "utf8").catch(() => null);
      return readMiniEnding({ trajectory: text, timedOut, exitCode, output });
    },
    describe: ({ maxSteps, timeoutMs, temperature }) =>
      `mini -c mini_textbased.yaml --model-class litellm_textbased --yolo --exit-immediately, agent.step_limit=${maxSteps}, agent.wall_time_limit_seconds=${timeoutMs / 1000}, temperature ${temperature}, cost limit off`,
  };
}

/** Reads mini-swe-agent's ending off its trajectory file (its own record of the run). */
export function readMiniEnding(params: { trajectory: string | null; timedOut: boolean; exitCode: number | null; output: string }): PeerEnding {
  if (params.timedOut) return { ending: "timeout", answer: null, detail: "killed at the time limit" };
  let parsed: z.infer<typeof TrajectorySchema> | null = null;
  try {
    const result = params.trajectory === null ? null : TrajectorySchema.safeParse(JSON.parse(params.trajectory));
    parsed = result?.success ? result.data : null;
  } catch {
    parsed = null;
  }
  if (!parsed) {
    const last = params.output.trim().split("\n").slice(-1)[0] ?? "";
    return { ending: "crashed", answer: null, detail: `no trajectory written (exit ${params.exitCode}): ${last}`.slice(0, 200) };
  }
  const status = parsed.info.exit_status;
  const answer = parsed.info.submission?.trim() || lastAssistantText(parsed.messages);
  const ending: PeerEnding["ending"] =
    status === "Submitted" ? "finished" : status === "LimitsExceeded" ? "step_limit" : /FormatError/.test(status) ? "format_error" : status === "TimeExceeded" ? "timeout" : "crashed";
  return { ending, answer, detail: `exit_status ${status}` };
}

function lastAssistantText(messages: readonly { role: string; content: unknown }[]): string | null {
  const last = messages.filter((message) => message.role === "assistant").at(-1);
  return typeof last?.content === "string" && last.content.trim() !== "" ? last.content : null;
}
