import fs from "node:fs/promises";
import path from "node:path";
import type { z } from "zod";
import { READ_TOOLS } from "../protocol/tool-schemas.js";
import { createAllowedMatcher, validateAllowedPattern } from "../task/allowed-files.js";
import { type Solution, SolutionSchema, type TaskSpec, TaskSpecSchema } from "./task-schema.js";

/** A task read from `bench/tasks/<id>/` and checked for consistency across its files. */
export interface LoadedTask extends TaskSpec {
  /** Absolute path of the task folder. */
  dir: string;
  /** Absolute path of `repo/`, the working tree at HEAD. */
  repoDir: string;
  /** Files of `repo/`, repo-relative POSIX paths, sorted. */
  files: string[];
  /** `issue.md` as written and what the bench reads from it. */
  issue: {
    /** The whole file: the issue title line and body, as the agent gets it. */
    text: string;
    /** The first line without its leading `# `: the GitHub issue title. */
    title: string;
    /** Everything after the title line: the GitHub issue body. */
    body: string;
    /** Allowed-file globs (DESIGN §3 syntax), normalized; empty for question tasks. */
    allowedFiles: string[];
  };
  /** The reference route. */
  solution: Solution;
}

/** Thrown for an invalid task; the message names the file and field at fault. */
export class TaskLoadError extends Error {
  override name = "TaskLoadError";
}

/** Reads, validates and cross-checks one task folder. */
export async function loadTask(dir: string): Promise<LoadedTask> {
  const taskDir = path.resolve(dir);
  const problems: string[] = [];
  const where = (file: string) => path.join(taskDir, file);

  const spec = await readJson({ file: where("task.json"), schema: TaskSpecSchema, problems });
  const solution = await readJson({ file: where("solution.json"), schema: SolutionSchema, problems });
  const issueText = await readText({ file: where("issue.md"), problems });
  const repoDir = where("repo");
  const files = await listRepoFiles({ repoDir, problems });
  if (!spec || !solution || issueText === null || !files) throw new TaskLoadError(problems.join("\n"));

  const issue = parseIssue({ text: issueText, file: where("issue.md"), kind: spec.kind, problems });

  const folderName = path.basename(taskDir);
  if (spec.id !== folderName) {
    problems.push(`${where("task.json")}: id: "${spec.id}" must equal the folder name "${folderName}"`);
  }
  checkHistory({ spec, files, file: where("task.json"), problems });
  checkDecoys({ spec, files, allowedFiles: issue.allowedFiles, file: where("task.json"), problems });
  checkSolutionShape({ spec, solution, file: where("solution.json"), problems });

  if (problems.length > 0) throw new TaskLoadError(problems.join("\n"));
  return { ...spec, dir: taskDir, repoDir, files, issue, solution };
}

/**
 * Loads every task folder under `dir`, sorted by id. Files beside the folders (a README) are
 * ignored. All invalid tasks are reported together, one line per problem.
 */
export async function loadSuite(dir: string): Promise<LoadedTask[]> {
  const root = path.resolve(dir);
  let entries;
  try {
    entries = await fs.readdir(root, { withFileTypes: true });
  } catch (error) {
    throw new TaskLoadError(`${root}: cannot read the task folder: ${(error as Error).message}`);
  }
  const folders = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const results = await Promise.allSettled(folders.map((name) => loadTask(path.join(root, name))));
  const problems = results.flatMap((result) =>
    result.status === "rejected" ? [result.reason instanceof Error ? result.reason.message : String(result.reason)] : [],
  );
  if (problems.length > 0) throw new TaskLoadError(`invalid benchmark tasks in ${root}:\n${problems.join("\n")}`);
  if (folders.length === 0) throw new TaskLoadError(`${root}: no task folders found`);
  const tasks = results.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  return tasks.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

async function readText(params: { file: string; problems: string[] }): Promise<string | null> {
  try {
    return await fs.readFile(params.file, "utf8");
  } catch (error) {
    params.problems.push(`${params.file}: cannot read: ${(error as Error).message}`);
    return null;
  }
}

async function readJson<S extends z.ZodType>(params: {
  file: string;
  schema: S;
  problems: string[];
}): Promise<z.infer<S> | null> {
  const text = await readText(params);
  if (text === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    params.problems.push(`${params.file}: not valid JSON: ${(error as Error).message}`);
    return null;
  }
  const parsed = params.schema.safeParse(json);
  if (parsed.success) return parsed.data as z.infer<S>;
  for (const issue of parsed.error.issues) {
    params.problems.push(`${params.file}: ${formatPath(issue.path)}: ${issue.message}`);
  }
  return null;
}

/** `["history", 1, "paths"]` → `history[1].paths`; the root is `(root)`. */
function formatPath(segments: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of segments) {
    out += typeof segment === "number" ? `[${segment}]` : `${out ? "." : ""}${String(segment)}`;
  }
  return out || "(root)";
}

async function listRepoFiles(params: { repoDir: string; problems: string[] }): Promise<string[] | null> {
  let entries;
  try {
    entries = await fs.readdir(params.repoDir, { recursive: true, withFileTypes: true });
  } catch (error) {
    params.problems.push(`${params.repoDir}: cannot read the repo/ folder: ${(error as Error).message}`);
    return null;
  }
  const files: string[] = [];
  for (const entry of entries) {
    const relative = path.relative(params.repoDir, path.join(entry.parentPath, entry.name)).split(path.sep).join("/");
    if (entry.isSymbolicLink()) {
      params.problems.push(`${params.repoDir}: ${relative} is a symlink; task repos hold plain files only`);
    } else if (entry.isFile()) {
      files.push(relative);
    }
  }
  if (files.length === 0) params.problems.push(`${params.repoDir}: the repo/ folder has no files`);
  return files.sort();
}

/** Every file of `repo/` is added by exactly one commit, and every listed path exists. */
function checkHistory(params: { spec: TaskSpec; files: string[]; file: string; problems: string[] }): void {
  const { spec, files, file, problems } = params;
  const existing = new Set(files);
  const addedBy = new Map<string, number>();
  spec.history.forEach((commit, index) => {
    commit.paths.forEach((repoPath, pathIndex) => {
      const field = `history[${index}].paths[${pathIndex}]`;
      if (!existing.has(repoPath)) {
        problems.push(`${file}: ${field}: "${repoPath}" is not a file of repo/`);
      } else if (addedBy.has(repoPath)) {
        problems.push(`${file}: ${field}: "${repoPath}" is already added by history[${addedBy.get(repoPath)}]`);
      } else {
        addedBy.set(repoPath, index);
      }
    });
  });
  const missing = files.filter((repoPath) => !addedBy.has(repoPath));
  if (missing.length > 0) {
    problems.push(`${file}: history: no commit adds ${missing.join(", ")}; add each file of repo/ to one commit`);
  }
}

function checkDecoys(params: {
  spec: TaskSpec;
  files: string[];
  allowedFiles: string[];
  file: string;
  problems: string[];
}): void {
  const existing = new Set(params.files);
  const allowed = createAllowedMatcher(params.allowedFiles);
  params.spec.decoys.forEach((decoy, index) => {
    if (!existing.has(decoy)) params.problems.push(`${params.file}: decoys[${index}]: "${decoy}" is not a file of repo/`);
    if (allowed(decoy)) {
      params.problems.push(`${params.file}: decoys[${index}]: "${decoy}" matches the issue's allowed files; a decoy must not`);
    }
  });
}

/** The route ends the way its kind ends, and a question never writes or runs anything. */
function checkSolutionShape(params: { spec: TaskSpec; solution: Solution; file: string; problems: string[] }): void {
  const { spec, solution, file, problems } = params;
  const last = solution.steps.length - 1;
  const finalTool = spec.kind === "change" ? "finish" : "answer";
  const readOnly: readonly string[] = READ_TOOLS;
  solution.steps.forEach((step, index) => {
    const field = `${file}: steps[${index}].tool`;
    if (index === last) {
      if (step.tool !== finalTool) problems.push(`${field}: a ${spec.kind} task ends with "${finalTool}", not "${step.tool}"`);
    } else if (step.tool === "finish" || step.tool === "answer") {
      problems.push(`${field}: "${step.tool}" ends the run, so it can only be the last step`);
    } else if (spec.kind === "question" && !readOnly.includes(step.tool)) {
      problems.push(`${field}: a question task only reads (${READ_TOOLS.join(", ")}), not "${step.tool}"`);
    }
  });
}

const ALLOWED_HEADING = /^\s{0,3}#{1,6}\s*allowed files\s*:?\s*#*\s*$/i;
const ALLOWED_ONE_LINER = /^\s*(?:[*_]{1,2})?allowed files(?:[*_]{1,2})?\s*:(?:[*_]{1,2})?\s*(.+)$/i;
const BULLET = /^\s*[-*+]\s+(.+?)\s*$/;
const FENCE = /^\s*(```|~~~)/;

/**
 * Reads the title and the allowed files with the issue syntax of DESIGN §3: a heading named
 * "Allowed files" (any level) followed by a bullet list or a fenced block, or one line
 * `Allowed files: a.ts, src/*.ts`. The bench needs its own reading to check that the reference
 * route stays inside the allowed files; the agent parses the same text with the product parser.
 */
function parseIssue(params: {
  text: string;
  file: string;
  kind: TaskSpec["kind"];
  problems: string[];
}): LoadedTask["issue"] {
  const { text, file, kind, problems } = params;
  const lines = text.split(/\r?\n/);
  const heading = /^#\s+(\S.*)$/.exec(lines[0] ?? "");
  const title = heading?.[1]?.trim() ?? "";
  if (!heading) problems.push(`${file}: line 1: the issue must start with "# <title>"`);

  const raw: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const oneLiner = ALLOWED_ONE_LINER.exec(line);
    if (oneLiner?.[1]) {
      raw.push(...oneLiner[1].split(","));
      continue;
    }
    if (!ALLOWED_HEADING.test(line)) continue;
    let j = i + 1;
    while (j < lines.length && (lines[j] ?? "").trim() === "") j++;
    if (FENCE.test(lines[j] ?? "")) {
      for (j++; j < lines.length && !FENCE.test(lines[j] ?? ""); j++) raw.push(lines[j] ?? "");
    } else {
      for (; j < lines.length; j++) {
        const bullet = BULLET.exec(lines[j] ?? "");
        if (!bullet?.[1]) break;
        raw.push(bullet[1]);
      }
    }
    i = j;
  }

  const allowedFiles: string[] = [];
  for (const entry of raw.map((item) => item.trim()).filter(Boolean)) {
    const check = validateAllowedPattern(entry);
    if (check.ok) allowedFiles.push(check.pattern);
    else problems.push(`${file}: Allowed files: ${check.reason}`);
  }
  if (kind === "change" && raw.length === 0) {
    problems.push(`${file}: Allowed files: a change task needs an "Allowed files" heading with a bullet list, or an "Allowed files: a, b" line`);
  }
  const body = lines.slice(1).join("\n").replace(/^\s*\n/, "");
  return { text, title, body, allowedFiles };
}
