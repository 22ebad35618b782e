import { z } from "zod";
import { FAILURE_MODES, Outcome } from "../report/report-schema.js";

/**
 * `local-agent bench --json FILE`: the benchmark's results. Field names are a contract (the README
 * table, CI and users' own comparisons read them); markdown and the SVG chart are views of it.
 */

/** What ended a failed run: the field's six modes, plus two the six do not cover. */
export const TERMINAL_FAILURES = [...FAILURE_MODES, "wrong_answer", "other"] as const;
export const TerminalFailure = z.enum(TERMINAL_FAILURES);
export type TerminalFailure = z.infer<typeof TerminalFailure>;

export const FillBucket = z.object({
  /** Lower bound of the bucket, prompt tokens (inclusive). */
  from: z.number().int().nonnegative(),
  /** Upper bound, prompt tokens (exclusive); null for the last, open bucket. */
  to: z.number().int().positive().nullable(),
  /** Agent model calls whose prompt fell in the bucket. */
  calls: z.number().int().nonnegative(),
  /** Share of those calls that were valid with no repair (0–1); null when there were none. */
  validity_raw: z.number().min(0).max(1).nullable(),
});
export type FillBucket = z.infer<typeof FillBucket>;

export const BenchRow = z.object({
  /** The model spec, e.g. `sim:granite-8b-q4` or `ollama:qwen2.5-coder:7b`. */
  model: z.string(),
  /** The scaffold spec as given: `none`, `all`, `all,-grammar`, or a list of layers. */
  scaffold: z.string(),
  /** The layers that were on, in canonical order. */
  layers: z.array(z.string()),
  /** Share of agent model calls (retries included) whose reply was a valid call with no repair (0–1). */
  validity_raw: z.number().min(0).max(1),
  /** Share of agent turns that yielded a valid call after the scaffolding (0–1). */
  validity_effective: z.number().min(0).max(1),
  /** Task runs completed: change tasks finished with passing tests, question tasks answered correctly. */
  completed: z.number().int().nonnegative(),
  /** Task runs made (tasks × runs). */
  tasks: z.number().int().nonnegative(),
  /** `completed / tasks`. */
  completion_rate: z.number().min(0).max(1),
  /** Median, over completed runs, of agent model calls (every reply, retries included); null when none completed. */
  median_calls: z.number().nonnegative().nullable(),
  failure_modes: z.object({
    /** Failed runs by what ended them. */
    terminal: z.record(TerminalFailure, z.number().int().nonnegative()),
    /** Turns by failure mode over all runs, whether or not the scaffolding rescued them. */
    per_turn: z.record(z.string(), z.number().int().nonnegative()),
  }),
  /** Agent turns over all runs. */
  agent_turns: z.number().int().nonnegative(),
  /** Agent model calls over all runs (turns plus retries). */
  model_calls: z.number().int().nonnegative(),
  /** Prompt tokens of all model calls, summaries included. */
  prompt_tokens: z.number().int().nonnegative(),
  /** Prompt tokens sent per completed task (all runs' tokens / completed runs); null when none completed. */
  prompt_tokens_per_completed: z.number().nonnegative().nullable(),
  /** Share of agent turns whose prompt extends the previous turn's, so a server's KV cache is reused (0–1); null with fewer than two turns. */
  prefix_stability: z.number().min(0).max(1).nullable(),
  /** Turns whose prompt did not extend the previous one: right after a scrollback summary (expected), or otherwise. */
  prefix_breaks: z.object({
    /** After a summary rewrote the history. */
    after_summary: z.number().int().nonnegative(),
    /** Anything else (should stay 0: only summaries rewrite the prompt). */
    other: z.number().int().nonnegative(),
  }),
  /**
   * What the model server itself measured (real servers only; null for the simulator and for
   * servers that report nothing). Older results lack it.
   */
  server: z
    .object({
      /** Agent model calls per task run (retries included), over all runs. */
      calls_per_task: z.number().nonnegative(),
      /** Wall-clock time per task run, ms, tests included. */
      wall_ms_per_task: z.number().nonnegative(),
      /** Tokens generated per second of the server's generation time. */
      generation_tokens_per_s: z.number().nonnegative().nullable(),
      /** Server time evaluating each call's prompt (its uncached part), ms, mean over calls. */
      prompt_eval_ms_per_call: z.number().nonnegative().nullable(),
      /** Uncached prompt tokens evaluated per second, where the server says how many were cached (llama-server). */
      prompt_tokens_per_s: z.number().nonnegative().nullable(),
      /**
       * Share of prompt tokens the server took from its KV cache (llama-server `cache_n`), over the
       * calls where it said; null when it never did (Ollama counts cached tokens as evaluated).
       */
      cache_reuse: z.number().min(0).max(1).nullable(),
    })
    .nullable()
    .optional(),
  /** Interventions of the scaffolding over all runs, by name. */
  interventions: z.record(z.string(), z.number().int().nonnegative()),
  /** Raw validity by prompt size (context fill). */
  fill: z.array(FillBucket),
});
export type BenchRow = z.infer<typeof BenchRow>;

export const BenchRun = z.object({
  /** Model spec of the row. */
  model: z.string(),
  /** Scaffold spec of the row. */
  scaffold: z.string(),
  /** Task id. */
  task: z.string(),
  /** 0-based run index (the simulator's seed includes it). */
  run: z.number().int().nonnegative(),
  /** The report's outcome. */
  outcome: Outcome,
  /** Counted as completed (see `BenchRow.completed`). */
  completed: z.boolean(),
  /** What ended it, when it failed. */
  terminal_failure: TerminalFailure.nullable(),
  /** The report's one-line exit reason. */
  exit_reason: z.string(),
  /** Agent turns and agent model calls of the run. */
  agent_turns: z.number().int().nonnegative(),
  model_calls: z.number().int().nonnegative(),
});
export type BenchRun = z.infer<typeof BenchRun>;

export const Verdict = z.object({
  /** Model spec. */
  model: z.string(),
  /** `production-grade`, `agent-grade with scaffolding`, `demo-grade`, or `undetermined`. */
  grade: z.enum(["production-grade", "agent-grade with scaffolding", "demo-grade", "undetermined"]),
  /** One sentence: which row met or missed the line, with the numbers. */
  reason: z.string(),
});
export type Verdict = z.infer<typeof Verdict>;

export const BenchResultSchema = z.object({
  /** Format version. */
  version: z.literal(1),
  /** The command line that produced the results. */
  command: z.string(),
  /** The task folder. */
  suite: z.string(),
  /** Task ids that ran. */
  task_ids: z.array(z.string()),
  /** Runs per task and row. */
  runs: z.number().int().positive(),
  /** When the bench started (ISO 8601). */
  started_at: z.string(),
  rows: z.array(BenchRow),
  /** One line per task run, in play order. */
  run_results: z.array(BenchRun),
  /** Per model: the grade by the line "≥ 95% validity held across a 30-turn session". */
  verdicts: z.array(Verdict),
});
export type BenchResult = z.infer<typeof BenchResultSchema>;
