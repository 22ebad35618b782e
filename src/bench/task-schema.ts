import { z } from "zod";
import { ToolCallSchema } from "../protocol/tool-schemas.js";
import { normalizeRepoPath } from "../workspace/normalize-repo-path.js";

/**
 * The on-disk format of one benchmark task (`bench/tasks/<id>/`), see `bench/tasks/README.md`.
 * The sim backend, the bench runner and the reports all read tasks through these schemas, so
 * the field names are a contract.
 */

/** Kebab-case, the folder name of the task. */
export const TASK_ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const TASK_KINDS = ["change", "question"] as const;
export const TASK_LANGUAGES = ["js", "ts", "python"] as const;

/**
 * What makes a task hard for a small model, so results can be grouped by trap:
 * - `decoy`: a file with a similar name (listed in `decoys`) that a careless agent edits instead;
 * - `search`: the issue names a function, flag or message but not the file, so a search comes first;
 * - `follow_import`: the first file found only calls the buggy code, which lives in a file it imports;
 * - `new_code`: a function must be added rather than a line changed;
 * - `multi_file`: the fix needs edits in more than one file.
 */
export const TRAPS = ["decoy", "search", "follow_import", "new_code", "multi_file"] as const;
export const TrapSchema = z.enum(TRAPS);
export type Trap = z.infer<typeof TrapSchema>;

/** A clean repo-relative POSIX path (`src/app.js`): no `./`, `..`, backslashes or `.git/`. */
export const RepoFilePathSchema = z.string().superRefine((value, ctx) => {
  const normalized = normalizeRepoPath(value);
  if (!normalized.ok) {
    ctx.addIssue({ code: "custom", message: normalized.reason });
  } else if (normalized.path !== value || normalized.path === ".") {
    ctx.addIssue({ code: "custom", message: `"${value}" is not a clean repo-relative file path (write it like src/app.js)` });
  }
});

/** A regular expression source that compiles (checked case-insensitively, as it is used). */
const RegexSourceSchema = z.string().min(1).superRefine((value, ctx) => {
  try {
    new RegExp(value, "i");
  } catch (error) {
    ctx.addIssue({ code: "custom", message: `not a valid regular expression: ${(error as Error).message}` });
  }
});

/** One commit that materialization creates. */
export const HistoryCommitSchema = z.strictObject({
  /** The commit message (first line is the subject). */
  message: z.string().trim().min(1),
  /** Files of `repo/` first added in this commit, repo-relative. */
  paths: z.array(RepoFilePathSchema).min(1),
});
export type HistoryCommit = z.infer<typeof HistoryCommitSchema>;

/** `task.json`. */
export const TaskSpecSchema = z
  .strictObject({
    /** Kebab-case id; must equal the task's folder name. */
    id: z.string().regex(TASK_ID_PATTERN, "must be kebab-case, e.g. js-off-by-one-pagination"),
    /** `change`: edit files until the tests pass; `question`: answer without touching disk. */
    kind: z.enum(TASK_KINDS),
    /** Language of the repository, for grouping results. */
    language: z.enum(TASK_LANGUAGES),
    /** Shell command that runs the repository's tests from the checkout root (exit 0 = pass). */
    test_command: z.string().trim().min(1),
    /** The traps this task sets, see `TRAPS`. */
    traps: z.array(TrapSchema),
    /** Issue labels, as the trigger and the kind rules would see them. */
    labels: z.array(z.string().trim().min(1)),
    /** Similar-named files that must not be edited; none of them may be an allowed file. */
    decoys: z.array(RepoFilePathSchema).default([]),
    /** The commits to create, oldest first; together they add every file of `repo/` exactly once. */
    history: z.array(HistoryCommitSchema).min(2, "needs at least 2 commits"),
    /** Question tasks only: regexes that must all match the answer (case-insensitive). */
    expected_answer: z.array(RegexSourceSchema).min(1).optional(),
  })
  .superRefine((spec, ctx) => {
    if (spec.kind === "question" && !spec.expected_answer) {
      ctx.addIssue({ code: "custom", path: ["expected_answer"], message: "a question task needs expected_answer" });
    }
    if (spec.kind === "change" && spec.expected_answer) {
      ctx.addIssue({ code: "custom", path: ["expected_answer"], message: "only question tasks have expected_answer" });
    }
    if (spec.traps.includes("decoy") !== spec.decoys.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["decoys"],
        message: 'list the decoy files in "decoys" exactly when "traps" contains "decoy"',
      });
    }
  });
export type TaskSpec = z.infer<typeof TaskSpecSchema>;

/** `solution.json`: the reference route, as literal tool calls of the agent protocol. */
export const SolutionSchema = z.strictObject({
  /**
   * Tool calls that solve the task from the HEAD state, in order: locate, read, edit, run the
   * tests, then `finish` (change) or `answer` (question). 3 to 10 calls.
   */
  steps: z
    .array(ToolCallSchema)
    .min(3, "a solution has at least 3 tool calls")
    .max(10, "a solution has at most 10 tool calls"),
});
export type Solution = z.infer<typeof SolutionSchema>;
