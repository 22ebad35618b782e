import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ToolCallSchema, type ToolCall } from "../../src/protocol/tool-schemas.js";
import { type LoadedTask, loadSuite, loadTask } from "../../src/bench/load-task.js";
import { materializeTask } from "../../src/bench/materialize-task.js";
import { createAllowedMatcher } from "../../src/task/allowed-files.js";
import { runHostGit } from "../../src/workspace/host-git.js";
import { createPlainRunner } from "../../src/workspace/plain-runner.js";

const TASKS_DIR = fileURLToPath(new URL("../../bench/tasks/", import.meta.url));
const suite = await loadSuite(TASKS_DIR);

let tmp: string;
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "bench-tasks-"));
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

/**
 * The task's own tests, run like the bench will: Node 24 first on PATH, nothing else inherited.
 * Python writes its __pycache__ here as it would in the sandbox; task repos ignore it.
 */
function runTaskTests(task: LoadedTask, cwd: string) {
  const runner = createPlainRunner({
    env: {
      PATH: [path.dirname(process.execPath), process.env.PATH ?? "/usr/bin:/bin"].join(path.delimiter),
      HOME: tmp,
    },
  });
  return runner.run({ command: task.test_command, cwd, timeoutMs: 30_000, maxOutputBytes: 64 * 1024 });
}

async function git(cwd: string, args: string[]): Promise<string> {
  return (await runHostGit({ args, cwd })).stdout;
}

async function readTracked(checkout: string): Promise<Map<string, string>> {
  const tracked = (await git(checkout, ["ls-files", "-z"])).split("\0").filter(Boolean);
  const files = new Map<string, string>();
  for (const file of tracked) files.set(file, await fs.readFile(path.join(checkout, file), "utf8"));
  return files;
}

function occurrences(haystack: string, needle: string): number {
  let count = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) count++;
  return count;
}

function under(file: string, folder: string | undefined): boolean {
  const prefix = (folder ?? "").replace(/^\.(\/|$)/, "").replace(/\/$/, "");
  return prefix === "" || file === prefix || file.startsWith(`${prefix}/`);
}

/**
 * Walks the reference route over an in-memory copy of the checkout with the tools' plain
 * semantics, collecting every step a scripted agent would have seen fail.
 */
function replayRoute(start: Map<string, string>, steps: readonly ToolCall[]) {
  const files = new Map(start);
  const written: string[] = [];
  const read = new Set<string>();
  const problems: string[] = [];
  steps.forEach((step, index) => {
    const at = `steps[${index}] ${step.tool}`;
    switch (step.tool) {
      case "list_files":
        if (![...files.keys()].some((file) => under(file, step.args.path))) problems.push(`${at}: nothing under ${step.args.path}`);
        break;
      case "read_file": {
        const text = files.get(step.args.path);
        if (text === undefined) {
          problems.push(`${at}: ${step.args.path} does not exist`);
          break;
        }
        read.add(step.args.path);
        const lineCount = text.split("\n").length;
        const { start_line: first = 1, end_line: last = lineCount } = step.args;
        if (first > last || first > lineCount) problems.push(`${at}: lines ${first}-${last} are outside the file`);
        break;
      }
      case "search": {
        let regex: RegExp;
        try {
          regex = new RegExp(step.args.pattern);
        } catch {
          regex = new RegExp(step.args.pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
        }
        const hits = [...files]
          .filter(([file]) => under(file, step.args.path))
          .flatMap(([, text]) => text.split("\n"))
          .filter((line) => regex.test(line));
        if (hits.length === 0) problems.push(`${at}: /${step.args.pattern}/ matches nothing`);
        break;
      }
      case "edit_file": {
        if (!read.has(step.args.path)) problems.push(`${at}: ${step.args.path} is edited before it was read`);
        const text = files.get(step.args.path);
        const count = text === undefined ? 0 : occurrences(text, step.args.old_text);
        if (text === undefined || count !== 1) {
          problems.push(`${at}: old_text occurs ${count} times in ${step.args.path}, not once`);
          break;
        }
        files.set(step.args.path, text.replace(step.args.old_text, () => step.args.new_text));
        written.push(step.args.path);
        break;
      }
      case "write_file":
        if (files.has(step.args.path) && !read.has(step.args.path)) {
          problems.push(`${at}: ${step.args.path} is overwritten before it was read`);
        }
        files.set(step.args.path, step.args.content);
        written.push(step.args.path);
        break;
      case "run_tests":
      case "finish":
      case "answer":
        break;
    }
  });
  return { files, written: [...new Set(written)], problems };
}

const isTestFile = (file: string) =>
  /(^|\/)tests?\//.test(file) || /\.test\.[cm]?[jt]s$/.test(file) || /(^|\/)test_[^/]*\.py$/.test(file);

describe("benchmark task suite", () => {
  it("has the promised mix of languages, kinds and traps", () => {
    const count = (predicate: (task: LoadedTask) => boolean) => suite.filter(predicate).length;
    expect(suite.length).toBeGreaterThanOrEqual(12);
    expect(suite.map((task) => task.id)).toEqual([...suite.map((task) => task.id)].sort());
    for (const language of ["js", "ts", "python"] as const) {
      expect(count((task) => task.language === language), language).toBeGreaterThanOrEqual(4);
    }
    expect(count((task) => task.kind === "question")).toBeGreaterThanOrEqual(2);
    expect(count((task) => task.traps.includes("decoy"))).toBeGreaterThanOrEqual(4);
    expect(count((task) => task.traps.includes("search"))).toBeGreaterThanOrEqual(4);
    expect(count((task) => task.issue.allowedFiles.some((glob) => /[*?[{]/.test(glob)))).toBeGreaterThanOrEqual(2);
  });

  for (const task of suite) {
    it(`${task.id}: the reference route solves it from a reproducible checkout`, async () => {
      const steps = task.solution.steps;
      expect(steps.length).toBeGreaterThanOrEqual(3);
      expect(steps.length).toBeLessThanOrEqual(10);
      for (const step of steps) expect(ToolCallSchema.safeParse(step).success).toBe(true);

      const checkout = await materializeTask({ task, into: tmp });
      const log = (await git(checkout, ["log", "--reverse", "--format=%H %s"])).trim().split("\n");
      expect(log.length).toBe(task.history.length);
      expect(log.map((line) => line.slice(41))).toEqual(task.history.map((commit) => commit.message.split("\n")[0]));
      expect(await git(checkout, ["status", "--porcelain", "--untracked-files=all"])).toBe("");
      const start = await readTracked(checkout);
      expect([...start.keys()].sort()).toEqual(task.files);

      const again = await materializeTask({ task, into: tmp });
      expect(again).not.toBe(checkout);
      expect(await git(again, ["rev-parse", "HEAD"])).toBe(await git(checkout, ["rev-parse", "HEAD"]));

      const allowed = createAllowedMatcher(task.issue.allowedFiles);
      for (const decoy of task.decoys) expect(allowed(decoy), `decoy ${decoy} is allowed`).toBe(false);
      for (const file of task.files.filter(isTestFile)) expect(allowed(file), `test file ${file} is allowed`).toBe(false);

      const route = replayRoute(start, steps);
      expect(route.problems).toEqual([]);
      // The traps a task claims are the ones its reference route has to deal with.
      if (task.traps.includes("search")) expect(steps.some((step) => step.tool === "search")).toBe(true);
      if (task.traps.includes("multi_file")) expect(route.written.length).toBeGreaterThan(1);
      for (const file of route.written) expect(allowed(file), `${file} is outside the allowed files`).toBe(true);

      const before = await runTaskTests(task, checkout);
      expect(before.timedOut).toBe(false);

      if (task.kind === "question") {
        expect(before.exitCode, before.output).toBe(0);
        const answer = steps.at(-1);
        expect(answer?.tool).toBe("answer");
        const text = answer?.tool === "answer" ? answer.args.text : "";
        for (const source of task.expected_answer ?? []) expect(text).toMatch(new RegExp(source, "i"));
        return;
      }

      expect(before.exitCode, `tests already pass at HEAD:\n${before.output}`).not.toBe(0);
      expect(route.written.length).toBeGreaterThan(0);
      expect(steps.at(-2)?.tool).toBe("run_tests");
      for (const file of route.written) {
        await fs.mkdir(path.dirname(path.join(checkout, file)), { recursive: true });
        await fs.writeFile(path.join(checkout, file), route.files.get(file) ?? "");
      }
      const after = await runTaskTests(task, checkout);
      expect(after.exitCode, `the reference fix does not pass:\n${after.output}`).toBe(0);
      const changed = (await git(checkout, ["status", "--porcelain", "--untracked-files=all"]))
        .split("\n")
        .filter(Boolean)
        .map((line) => line.slice(3));
      expect(changed.sort()).toEqual([...route.written].sort());

      // The same edits made to a look-alike file must not fix anything. Decoys repeat the buggy
      // snippet on purpose, so at least one of them takes the edits.
      let decoysEdited = 0;
      for (const decoy of task.decoys) {
        let text = start.get(decoy) ?? "";
        let applied = 0;
        for (const step of steps) {
          if (step.tool === "edit_file" && occurrences(text, step.args.old_text) === 1) {
            text = text.replace(step.args.old_text, () => step.args.new_text);
            applied++;
          }
        }
        if (applied === 0) continue;
        decoysEdited++;
        await fs.writeFile(path.join(again, decoy), text);
        const fooled = await runTaskTests(task, again);
        expect(fooled.exitCode, `editing the decoy ${decoy} fixes the tests`).not.toBe(0);
      }
      if (task.decoys.length > 0) expect(decoysEdited, "no decoy contains the text the fix edits").toBeGreaterThan(0);
    });
  }
});

describe("loadTask", () => {
  const sample = "js-off-by-one-pagination";

  async function copySample(): Promise<string> {
    const dir = path.join(await fs.mkdtemp(path.join(tmp, "broken-")), sample);
    await fs.cp(path.join(TASKS_DIR, sample), dir, { recursive: true });
    return dir;
  }

  async function editJson(file: string, change: (json: Record<string, unknown>) => void): Promise<void> {
    const json = JSON.parse(await fs.readFile(file, "utf8")) as Record<string, unknown>;
    change(json);
    await fs.writeFile(file, JSON.stringify(json));
  }

  it("names the file and field of an invalid task.json value", async () => {
    const dir = await copySample();
    await editJson(path.join(dir, "task.json"), (json) => {
      json.kind = "bugfix";
    });
    await expect(loadTask(dir)).rejects.toThrow(/task\.json: kind: /);
  });

  it("reports a file of repo/ that no history commit adds", async () => {
    const dir = await copySample();
    await editJson(path.join(dir, "task.json"), (json) => {
      json.history = (json.history as unknown[]).slice(0, 2);
    });
    await expect(loadTask(dir)).rejects.toThrow(/task\.json: history: no commit adds test\/paginate\.test\.js/);
  });

  it("reports an invalid tool call in solution.json by step", async () => {
    const dir = await copySample();
    await editJson(path.join(dir, "solution.json"), (json) => {
      const steps = json.steps as { args: Record<string, unknown> }[];
      delete steps[1]?.args.old_text;
    });
    await expect(loadTask(dir)).rejects.toThrow(/solution\.json: steps\[1\]/);
  });

  it("requires allowed files for a change task", async () => {
    const dir = await copySample();
    const issue = await fs.readFile(path.join(dir, "issue.md"), "utf8");
    await fs.writeFile(path.join(dir, "issue.md"), issue.replace(/^Allowed files:.*$/m, ""));
    await expect(loadTask(dir)).rejects.toThrow(/issue\.md: Allowed files: a change task needs/);
  });

  it("refuses a decoy that the issue allows", async () => {
    const dir = await copySample();
    await editJson(path.join(dir, "task.json"), (json) => {
      json.traps = ["decoy"];
      json.decoys = ["src/paginate.js"];
    });
    await expect(loadTask(dir)).rejects.toThrow(/task\.json: decoys\[0\]: "src\/paginate\.js" matches the issue's allowed files/);
  });

  it("reads allowed files from a heading with a fenced block, a bullet list, or one line", async () => {
    const dir = await copySample();
    const title = "# Title\n\nBody.\n\n";
    const forms: [string, string[]][] = [
      ["### Allowed files\n\n```\nsrc/paginate.js\nsrc/*.js\n```\n", ["src/paginate.js", "src/*.js"]],
      ["## allowed files:\n- `src/paginate.js`\n* src/lib/\n\nMore text.\n- not/this.js\n", ["src/paginate.js", "src/lib/**"]],
      ["**Allowed files:** src/paginate.js, test/*.test.js\n", ["src/paginate.js", "test/*.test.js"]],
    ];
    for (const [section, expected] of forms) {
      await fs.writeFile(path.join(dir, "issue.md"), title + section);
      const task = await loadTask(dir);
      expect(task.issue.title).toBe("Title");
      expect(task.issue.body).toBe(`Body.\n\n${section}`);
      expect(task.issue.allowedFiles).toEqual(expected);
    }
  });

  it("materializes the same commits whatever the user's git config says", async () => {
    const task = suite[0];
    if (!task) throw new Error("the suite is empty");
    const home = await fs.mkdtemp(path.join(tmp, "home-"));
    await fs.writeFile(
      path.join(home, ".gitconfig"),
      "[user]\n\tname = Someone Else\n\temail = someone@example.com\n[core]\n\tautocrlf = true\n[commit]\n\tgpgsign = true\n",
    );
    const plain = await materializeTask({ task, into: tmp });
    const configured = await materializeTask({ task, into: tmp, env: { ...process.env, HOME: home, XDG_CONFIG_HOME: home } });
    expect(await git(configured, ["rev-parse", "HEAD"])).toBe(await git(plain, ["rev-parse", "HEAD"]));
    expect(await git(configured, ["log", "-1", "--format=%an <%ae> %ad", "--date=iso-strict"])).toMatch(
      /^Bench Fixture <bench@local-agent\.invalid> 2024-03-04T\d\d:00:00\+00:00\n$/,
    );
  });

  it("loadSuite reports every broken task with its folder", async () => {
    const parent = path.dirname(await copySample());
    await fs.cp(path.join(parent, sample), path.join(parent, "second-task"), { recursive: true });
    await expect(loadSuite(parent)).rejects.toThrow(/second-task[/\\]task\.json: id: "js-off-by-one-pagination" must equal the folder name "second-task"/);
  });
});
