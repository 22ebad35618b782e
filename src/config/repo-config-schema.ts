import { z } from "zod";
import { validateAllowedPattern } from "../task/allowed-files.js";
import { canonicalModelSpec } from "./canonical-model-spec.js";

/**
 * `.github/local-agent.yml`, a repository's settings for local-agent. Read from the default
 * branch only, never from a pull request's head (security_anchors 2.2), so a PR cannot change
 * its own test command or allowed files. Unknown keys are errors so typos surface instead of
 * being ignored; the scaffolding is the operator's choice and not configurable here.
 * `docs/local-agent.schema.json` is generated from this schema for editors.
 */

/** A shell command line, as the repository's CI would run it. */
const Command = z
  .string({ error: "expected a command line as text, e.g. `npm test`" })
  .trim()
  .min(1, { error: "expected a command line, not an empty string" })
  .max(2000, { error: "expected a command line of at most 2000 characters" });

function wholeNumber(min: number, max: number) {
  const message = `expected a whole number from ${min} to ${max}`;
  return z.int({ error: message }).min(min, { error: message }).max(max, { error: message });
}

/** One allowed-files glob, normalized (a bare folder `src/` means `src/**`). */
const AllowedGlob = z.string({ error: "expected a repo-relative path or glob as text, e.g. `src/**/*.ts`" }).transform((raw, ctx) => {
  const checked = validateAllowedPattern(raw);
  if (!checked.ok) {
    ctx.addIssue({ code: "custom", message: checked.reason, input: raw });
    return z.NEVER;
  }
  return checked.pattern;
});

export const REPO_CONFIG_KEYS = ["test", "setup", "allowed", "max_turns", "context_budget", "timeout_minutes", "model"] as const;

export const RepoConfigSchema = z
  .strictObject({
    /** The command that runs the tests (sandboxed, no network); default: detected from the repository. */
    test: Command.optional().describe("Command that runs the tests, sandboxed without network (default: detected, e.g. npm test)."),
    /** A command run once before the agent starts, e.g. to build; default: none. */
    setup: Command.optional().describe("Command run once in the checkout before the agent starts (default: none)."),
    /** Globs the agent may change when an issue names no "Allowed files"; default: none. */
    allowed: z
      .array(AllowedGlob, { error: "expected a list of repo-relative paths or globs, one per line starting with `- `" })
      .max(200, { error: "expected at most 200 globs" })
      .default([])
      .describe('Repo-relative files or globs the agent may change when the issue has no "Allowed files" section.'),
    /** The turn limit; default: the operator's LOCAL_AGENT_MAX_TURNS. */
    max_turns: wholeNumber(1, 200).optional().describe("Model turns per run (default: the operator's setting, usually 40)."),
    /** Prompt budget in tokens; small models degrade past ~24k. Default: the operator's setting. */
    context_budget: wholeNumber(1024, 131072)
      .optional()
      .describe("Prompt budget in tokens; small models lose the thread past ~24k (default: the operator's setting)."),
    /** The run's time limit in minutes; default: the operator's LOCAL_AGENT_TIMEOUT_MINUTES. */
    timeout_minutes: wholeNumber(1, 120).optional().describe("Time limit of a run in minutes (default: the operator's setting, usually 20)."),
    /** A model spec from the operator's LOCAL_AGENT_MODEL_ALLOWLIST; default: LOCAL_AGENT_MODEL. */
    model: z
      .string({ error: "expected a model spec as text, e.g. `ollama:qwen2.5-coder:7b`" })
      .transform((raw, ctx) => {
        const spec = canonicalModelSpec(raw);
        if (!spec.ok) {
          ctx.addIssue({ code: "custom", message: spec.message, input: raw });
          return z.NEVER;
        }
        return spec.spec;
      })
      .optional()
      .describe("Model spec to use instead of the operator's default; it must be on the operator's allowlist."),
  })
  .meta({
    title: "local-agent repository configuration (.github/local-agent.yml)",
    description: "Read from the default branch only. Unknown keys are errors.",
  });

export type RepoConfig = z.output<typeof RepoConfigSchema>;
