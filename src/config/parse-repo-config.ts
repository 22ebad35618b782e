import YAML from "yaml";
import type { z } from "zod";
import { canonicalModelSpec } from "./canonical-model-spec.js";
import { decodeUtf8Strict } from "./decode-utf8-strict.js";
import { REPO_CONFIG_KEYS, RepoConfigSchema, type RepoConfig } from "./repo-config-schema.js";

export type ParseRepoConfigResult = { ok: true; config: RepoConfig } | { ok: false; message: string };

const FILE = "`.github/local-agent.yml`";
/** A config file is a few lines; anything bigger is a mistake (or an attempt to make us chew on it). */
const MAX_BYTES = 64 * 1024;

/**
 * Reads a repository's `.github/local-agent.yml` from the default branch: its text, or its raw
 * bytes (then invalid UTF-8 is refused with the line), plus the size GitHub reports (a file too
 * big for the contents API arrives without its content, and must not be read as empty). Null
 * text and no bytes mean the file does not exist: the defaults. On any problem the message is
 * markdown for an issue comment: each problem with its key path and the value found, then a
 * valid example file.
 */
export function parseRepoConfig(params: { yamlText?: string | null; bytes?: Uint8Array | null; size?: number; allowlist: readonly string[] }): ParseRepoConfigResult {
  const allowlist = params.allowlist.map((spec) => {
    const canonical = canonicalModelSpec(spec);
    return canonical.ok ? canonical.spec : spec.trim();
  });
  let text = params.yamlText ?? "";
  if (params.bytes === null && (params.size ?? 0) > 0) {
    return fail([`GitHub sent the file without its content (it is ${params.size} bytes: the contents API leaves out files over 1 MB); a config file is expected to be under ${MAX_BYTES / 1024} KiB`], allowlist);
  }
  if (params.bytes) {
    const decoded = decodeUtf8Strict(params.bytes);
    if (!decoded.ok) {
      const byte = `0x${decoded.byte.toString(16).toUpperCase().padStart(2, "0")}`;
      return fail([`line ${decoded.line}, column ${decoded.column}: the file is not valid UTF-8 (byte ${byte}); save it as UTF-8`], allowlist);
    }
    text = decoded.text;
  }
  const size = Math.max(params.size ?? 0, Buffer.byteLength(text, "utf8"));
  if (size > MAX_BYTES) {
    return fail([`the file is ${size} bytes; a config file is expected to be under ${MAX_BYTES / 1024} KiB, so local-agent did not read it`], allowlist);
  }

  const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) return fail(doc.errors.map(describeYamlError), allowlist);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return fail([`the YAML could not be read: ${error instanceof Error ? error.message : String(error)}`], allowlist);
  }
  if (value === null || value === undefined) value = {};
  if (typeof value !== "object" || Array.isArray(value)) {
    return fail([`the file must be a mapping of keys to values (like \`test: npm test\`), but it holds ${describeKind(value)}`], allowlist);
  }
  const record = value as Record<string, unknown>;

  const parsed = RepoConfigSchema.safeParse(record, { reportInput: true });
  const problems = parsed.success ? [] : parsed.error.issues.flatMap(describeIssue);
  // Checked on the raw value too, so one comment lists every problem at once.
  const model = typeof record.model === "string" ? canonicalModelSpec(record.model) : null;
  if (model?.ok && !allowlist.includes(model.spec)) {
    problems.push(
      allowlist.length === 0
        ? `${code("model")}: this installation does not let repositories choose a model (the operator's LOCAL_AGENT_MODEL_ALLOWLIST is empty); remove the key`
        : `${code("model")}: ${code(model.spec)} is not one of the models the operator allows: ${allowlist.map(code).join(", ")}`,
    );
  }
  if (!parsed.success || problems.length > 0) return fail(problems, allowlist);
  return { ok: true, config: parsed.data };
}

function describeYamlError(error: YAML.YAMLError): string {
  const [headline = error.message, ...excerpt] = error.message.split("\n");
  const where = error.linePos?.[0];
  const reason = headline.replace(/ at line \d+, column \d+:?$/, "");
  const location = where ? `line ${where.line}, column ${where.col}` : "YAML syntax";
  const snippet = excerpt.join("\n").replace(/^\n+|\n+$/g, "");
  return `${location}: ${reason}${snippet ? `\n\n${indent(fence(snippet, "text"))}` : ""}`;
}

function describeIssue(issue: z.core.$ZodIssue): string[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) =>
      key === "scaffold"
        ? `${code(key)}: the scaffolding is chosen by the operator of this local-agent installation, not by repositories; remove the key`
        : `${code(key)}: unknown key; local-agent reads ${REPO_CONFIG_KEYS.map(code).join(", ")}`,
    );
  }
  const where = issue.path.length === 0 ? "the file" : code(formatPath(issue.path));
  if (issue.code === "custom") {
    // Custom messages quote the value they reject: show those quotes as code, so a value like
    // `@org/team` cannot mention anyone and markdown in it stays inert.
    return [`${where}: ${issue.message.replace(/"[^"\n]*"/g, (quoted) => code(quoted))}`];
  }
  const got = "input" in issue && issue.input !== undefined ? `, got ${code(preview(issue.input))}` : "";
  return [`${where}: ${issue.message}${got}`];
}

function fail(problems: string[], allowlist: readonly string[]): ParseRepoConfigResult {
  const list = problems.map((problem) => `- ${problem}`).join("\n");
  const message = [
    `${FILE} on the default branch is not valid, so local-agent did not use it:`,
    "",
    list,
    "",
    `Fix ${FILE} on the default branch and trigger local-agent again. A valid file looks like this (every key is optional):`,
    "",
    fence(exampleFile(allowlist), "yaml"),
  ].join("\n");
  return { ok: false, message };
}

/** A file that parses: the tests guarantee it. */
function exampleFile(allowlist: readonly string[]): string {
  return [
    "# Command that runs the tests (sandboxed, no network).",
    "test: npm test",
    "# Run once before the agent starts.",
    "setup: npm ci --ignore-scripts",
    '# Files the agent may change when the issue has no "Allowed files" section.',
    "allowed:",
    '  - "src/**"',
    '  - "test/**/*.test.ts"',
    "max_turns: 40",
    "context_budget: 16384",
    "timeout_minutes: 20",
    allowlist[0] !== undefined
      ? `# One of: ${allowlist.join(", ")}\nmodel: ${JSON.stringify(allowlist[0])}`
      : "# model: not available, this installation allows no per-repository model",
  ].join("\n");
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((part, index) => (typeof part === "number" ? `[${part}]` : `${index === 0 ? "" : "."}${String(part)}`)).join("");
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function describeKind(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  return `a ${typeof value} (${preview(value)})`;
}

/** Inline code that survives backticks in the user's text (CommonMark: a longer delimiter run). */
function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const ticks = "`".repeat(longest + 1);
  const pad = longest > 0 || text.startsWith(" ") ? " " : "";
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

/** A fenced block the user's text cannot close early. */
function fence(text: string, lang: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const ticks = "`".repeat(longest + 1);
  return `${ticks}${lang}\n${text}\n${ticks}`;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n");
}
