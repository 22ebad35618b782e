import { z } from "zod";
import { ScaffoldLayer, TestSummary, TurnRecord } from "../protocol/turn-record.js";

/**
 * The per-run reliability report (DESIGN §3). JSON is the source; markdown and HTML are views.
 * Field names are a contract: the GitHub app, the benchmark and users' own tooling read them.
 * The turn records and their vocabulary (layers, interventions, failure modes) are the loop's, in
 * `src/protocol/turn-record.ts`; they are re-exported here so the report reads as one contract.
 */

export {
  Attempt,
  FAILURE_MODES,
  FailureMode,
  INTERVENTIONS,
  Intervention,
  SCAFFOLD_LAYERS,
  ScaffoldLayer,
  TestSummary,
  TurnRecord,
} from "../protocol/turn-record.js";

export const Outcome = z.enum(["completed", "failed", "answered", "cancelled"]);
export type Outcome = z.infer<typeof Outcome>;

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
