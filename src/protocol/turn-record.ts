import { z } from "zod";

/**
 * What the loop records of each turn, in the report's own words (DESIGN §3): the layer names, the
 * interventions they make, the failure modes a turn is classified by, and the turn and attempt
 * records. The report schema is built from these; the loop, the layers and the report share them.
 */

export const INTERVENTIONS = [
  "stripped_fence",
  "extracted_from_prose",
  "repaired_json",
  "mapped_alias",
  "retry",
  "recovery_prompt",
  "schema_reinjected",
  "summarized",
  "scope_blocked",
  "loop_detected",
  "premature_stop_rejected",
  "truncation_detected",
] as const;
export const Intervention = z.enum(INTERVENTIONS);
export type Intervention = z.infer<typeof Intervention>;

export const FAILURE_MODES = [
  "tool_call_hallucination",
  "schema_drift",
  "context_truncation",
  "premature_stop",
  "infinite_loop",
  "wrong_file_edit",
] as const;
export const FailureMode = z.enum(FAILURE_MODES);
export type FailureMode = z.infer<typeof FailureMode>;

/** The scaffold layers, in the report's canonical order (reports, benchmark rows, `--scaffold`). */
export const SCAFFOLD_LAYERS = [
  "grammar",
  "repair",
  "retry",
  "reinject",
  "context",
  "loops",
  "stops",
  "scope",
] as const;
export const ScaffoldLayer = z.enum(SCAFFOLD_LAYERS);
export type ScaffoldLayer = z.infer<typeof ScaffoldLayer>;

/** One model call inside a turn: the first attempt and each retry. */
export const Attempt = z.object({
  /** The reply parsed and validated as a tool call with no repair at all. */
  raw_valid: z.boolean(),
  /** Why the reply was rejected, null when it was accepted. */
  error: z.string().nullable(),
  /** The server's stop reason (`stop`, `length`, …), when it gave one. */
  done_reason: z.string().nullable(),
  /** Prompt tokens as the server counted them, else our estimate. */
  prompt_tokens: z.number().int().nonnegative(),
  /** Tokens generated. */
  completion_tokens: z.number().int().nonnegative(),
  /** Wall-clock time of the call. */
  latency_ms: z.number().nonnegative(),
  /** Prompt tokens the server served from its KV cache, when it says (llama-server, OpenAI-style usage); absent otherwise. */
  cached_prompt_tokens: z.number().int().nonnegative().optional(),
  /** Server time on the prompt (its uncached part), when the server says. */
  prompt_eval_ms: z.number().nonnegative().optional(),
  /** Server time generating, when the server says. */
  eval_ms: z.number().nonnegative().optional(),
});
export type Attempt = z.infer<typeof Attempt>;

export const TurnRecord = z.object({
  /** 1-based position in the run, counting agent and summary turns. */
  n: z.number().int().positive(),
  /** `agent`: the model chose an action; `summary`: the model wrote a scrollback recap. */
  kind: z.enum(["agent", "summary"]),
  /** The first reply of the turn parsed and validated with no repair. */
  raw_valid: z.boolean(),
  /** After scaffolding (repair, retries) the turn yielded a valid tool call. */
  valid: z.boolean(),
  /** The tool that was called (after repair), or null when none could be made out. */
  tool: z.string().nullable(),
  /** What went wrong in this turn: the last parse error, a refused call, a failed tool. */
  error: z.string().nullable(),
  /** Scaffolding that acted on this turn, in order. */
  interventions: z.array(Intervention),
  /** How this turn failed, when it did, in the field's six-way taxonomy. */
  failure_mode: FailureMode.nullable(),
  /** Prompt tokens summed over the turn's model calls. */
  prompt_tokens: z.number().int().nonnegative(),
  /** Generated tokens summed over the turn's model calls. */
  completion_tokens: z.number().int().nonnegative(),
  /** Model time summed over the turn's calls. */
  latency_ms: z.number().nonnegative(),
  /** Every model call of the turn (1 + retries). */
  attempts: z.array(Attempt),
  /** Short human-readable account of what happened (the call's target, the result). */
  note: z.string().nullable(),
});
export type TurnRecord = z.infer<typeof TurnRecord>;

/** A test run's result as the tools, the loop and the report see it. */
export const TestSummary = z.object({
  /** Exit status 0 and not killed. */
  passed: z.boolean(),
  /** Exit status, null when killed. */
  exit_code: z.number().int().nullable(),
  /** The run hit its time limit. */
  timed_out: z.boolean(),
  /** Failing tests, when the runner's summary could be read. */
  failed_count: z.number().int().nonnegative().nullable(),
  /** Passing tests, when the runner's summary could be read. */
  passed_count: z.number().int().nonnegative().nullable(),
  /** Wall-clock time. */
  duration_ms: z.number().nonnegative(),
});
export type TestSummary = z.infer<typeof TestSummary>;
