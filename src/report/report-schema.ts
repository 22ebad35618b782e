import { z } from "zod";

/**
 * The per-run reliability report (DESIGN §3). JSON is the source; markdown and HTML are views.
 * Field names are a contract: the GitHub app, the benchmark and users' own tooling read them.
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

export const SCAFFOLD_LAYERS = ["grammar", "repair", "retry", "reinject", "context", "loops", "stops", "scope"] as const;
export const ScaffoldLayer = z.enum(SCAFFOLD_LAYERS);
export type ScaffoldLayer = z.infer<typeof ScaffoldLayer>;

export const Outcome = z.enum(["completed", "failed", "answered", "cancelled"]);
export type Outcome = z.infer<typeof Outcome>;

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

/** A test run's result as the report shows it. */
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

export const ReportSchema = z.object({
  /** Report format version. */
  version: z.literal(1),
  task: z.object({
    /** `change` edits files and must leave tests passing; `question` only reads and answers. */
    kind: z.enum(["change", "question"]),
    /** Issue title (first line of the task text). */
    title: z.string(),
    /** Allowed-file globs the writes were confined to. */
    allowed_files: z.array(z.string()),
    /** The one allowed entry allows every file (`*`, `**`, given alone on purpose); the pull request says so. */
    all_files_allowed: z.boolean().default(false),
    /** The test command, or null when there is none. */
    test_command: z.string().nullable(),
  }),
  model: z.object({
    /** The model spec as given (`ollama:<tag>`, `llamacpp:<url>`, `openai:<model>`, `replay:<file>`, `sim:<profile>`). */
    spec: z.string(),
    /** Backend name. */
    backend: z.string(),
    /** Model name as the server reports it. */
    name: z.string(),
    /** Quantization level, when known. */
    quantization: z.string().nullable(),
    /** Trained context length, when known. */
    context_length: z.number().int().nullable(),
    /** Context window requested on every call. */
    num_ctx: z.number().int().nullable(),
    /** Model server version, when known. */
    backend_version: z.string().nullable(),
  }),
  /** How the run ended. */
  outcome: Outcome,
  /** Why the run ended, in one line (e.g. "finish accepted; tests pass", "max turns (40) reached"). */
  exit_reason: z.string(),
  /**
   * How the agent loop ended, as one word for counting (`finished`, `max_turns`, `infinite_loop`,
   * `setup_failed`, …); absent in reports written before it existed.
   */
  exit_kind: z.string().nullable().optional(),
  /** The prompt-token budget the context layer kept the conversation under; absent in older reports. */
  context_budget: z.number().int().positive().nullable().optional(),
  /** Scaffolding layers that were on. */
  scaffold: z.array(ScaffoldLayer),
  /** How the repository's commands were isolated. */
  sandbox: z.object({
    /** `bwrap` or `off`. */
    mode: z.string(),
    /** Limits applied to each command. */
    limits: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  }),
  /** The model's `finish` summary, or null. */
  summary: z.string().nullable(),
  /** The model's `answer` for a question task, or null. */
  answer: z.string().nullable(),
  /** Files the run changed, repo-relative. */
  files_changed: z.array(z.string()),
  /** When the run started (ISO 8601). */
  started_at: z.string(),
  /** Wall-clock duration of the whole run. */
  duration_ms: z.number().nonnegative(),
  turns: z.array(TurnRecord),
  totals: z.object({
    /** Agent and summary turns. */
    turns: z.number().int().nonnegative(),
    /** Model calls, retries included. */
    model_calls: z.number().int().nonnegative(),
    /** Tool calls executed. */
    tool_calls: z.number().int().nonnegative(),
    /** Share of agent model calls whose reply was a valid call with no repair (0–1). */
    validity_raw: z.number().min(0).max(1),
    /** Share of agent turns that yielded a valid call after scaffolding (0–1). */
    validity_effective: z.number().min(0).max(1),
    /** Model calls that were retries of an invalid reply. */
    retries: z.number().int().nonnegative(),
    /** Count of each intervention over the run. */
    interventions: z.record(z.string(), z.number().int()),
    /** Count of each failure mode over the run. */
    failure_modes: z.record(z.string(), z.number().int()),
    prompt_tokens: z.number().int().nonnegative(),
    completion_tokens: z.number().int().nonnegative(),
    /** Tests before the first edit (baseline), null when not run. */
    tests_before: TestSummary.nullable(),
    /** Tests after the last edit, null when not run. */
    tests_after: TestSummary.nullable(),
  }),
});
export type Report = z.infer<typeof ReportSchema>;
