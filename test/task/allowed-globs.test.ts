import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { renderPullRequestBody } from "../../src/github/render-pull-request-body.js";
import { buildReport } from "../../src/report/build-report.js";
import { ReportSchema } from "../../src/report/report-schema.js";
import { buildTask, type Task } from "../../src/task/build-task.js";
import { parseIssueText } from "../../src/task/parse-issue-text.js";
import { captureCli } from "../helpers/capture-cli.js";
import { makeGitRepo, replyLine, SUM_REPO, writeTranscript } from "../helpers/git-fixture.js";

/**
 * Issue 11, attacks 3 and 4: allowed-files globs were mangled by markdown-emphasis stripping
 * (`*.ts` became `.ts`, `**` became `*` or nothing), `*` quietly allowed package.json, and
 * `.github/workflows/*` was accepted although the push of such a change must fail.
 */

const allowed = (body: string) => parseIssueText({ title: "t", body }).allowed;

describe("globs are kept exactly as written, in every form the README shows", () => {
  it.each([
    ["inline", "Allowed files: *.ts, src/**/*.test.ts", ["*.ts", "src/**/*.test.ts"]],
    ["inline, bold label", "**Allowed files:** *.ts, **/*.md", ["*.ts", "**/*.md"]],
    ["inline, bold label with the colon outside", "**Allowed files**: *.ts", ["*.ts"]],
    ["inline, italic label", "*Allowed files:* *.ts", ["*.ts"]],
    ["inline, bulleted", "- Allowed files: *.ts", ["*.ts"]],
    ["inline, backticked", "Allowed files: `*.ts`, `src/**`", ["*.ts", "src/**"]],
    ["inline, a brace glob with a comma", "Allowed files: src/{a,b}.ts, c.ts", ["src/{a,b}.ts", "c.ts"]],
    ["bulleted", "### Allowed files\n- *.ts\n* **/*.test.ts\n+ src/*\n", ["*.ts", "**/*.test.ts", "src/*"]],
    ["bulleted, backticked", "### Allowed files\n- `*.ts`\n- `src/**/*.test.ts`\n", ["*.ts", "src/**/*.test.ts"]],
    ["bulleted, a bold plain path", "### Allowed files\n- **src/a.ts**\n- **/x/**\n", ["src/a.ts", "**/x/**"]],
    ["fenced", "### Allowed files\n```\n*.ts\nsrc/**/*.test.ts\n```\n", ["*.ts", "src/**/*.test.ts"]],
    ["issue-form plain lines", "### Allowed files\n\n*.ts\nsrc/**/*.test.ts\n", ["*.ts", "src/**/*.test.ts"]],
  ])("%s", (_form, body, expected) => {
    expect(allowed(body)).toEqual(expected);
  });

  it.each([
    ["inline", "Allowed files: **"],
    ["bulleted and backticked", "### Allowed files\n- `**`\n"],
    ["fenced", "### Allowed files\n```\n**\n```\n"],
  ])("`**` stays `**` (%s)", (_form, body) => {
    expect(allowed(body)).toEqual(["**"]);
  });
});

describe("`*` and `**` allow every file only when given alone, and then it is said", () => {
  it("alone: accepted, with the flag that the report and the pull request show", () => {
    for (const entry of ["*", "**", "`**`", "**/*"]) {
      const built = buildTask({ text: `# Reformat everything\n\nAllowed files: ${entry}` });
      expect(built.ok && built.task.allFilesAllowed, entry).toBe(true);
    }
    const narrow = buildTask({ text: "# Fix\n\nAllowed files: *.ts" });
    expect(narrow.ok && narrow.task.allFilesAllowed).toBe(false);
  });

  it("next to other entries: refused, saying why and how to mean it", () => {
    const built = buildTask({ text: "# Fix the parser\n\n### Allowed files\n- src/parser.ts\n- *\n" });
    expect(built.ok).toBe(false);
    if (!built.ok) {
      expect(built.message).toContain("- `*`: it allows every file in the repository's top folder (package.json");
      expect(built.message).toContain("give it as the only entry to allow all files");
    }
    expect(buildTask({ text: "# Fix\n\nAllowed files: src/a.ts", extraAllowed: ["**"] }).ok).toBe(false);
  });

  it("the pull request body says all files were allowed", () => {
    const built = buildTask({ text: "# Reformat\n\nAllowed files: *" });
    if (!built.ok) throw new Error(built.message);
    const body = renderPullRequestBody({ report: reportFor(built.task), issueNumber: 3, diff: [], actor: "octocat", via: "label", draftReason: null, secrets: [] });
    expect(body).toContain("All files allowed: the task allowed `*`");
    const narrow = buildTask({ text: "# Fix\n\nAllowed files: src/a.ts" });
    if (!narrow.ok) throw new Error(narrow.message);
    expect(renderPullRequestBody({ report: reportFor(narrow.task), issueNumber: 3, diff: [], actor: "octocat", via: "label", draftReason: null, secrets: [] })).not.toContain("All files allowed");
  });

  it("reports written before the flag existed still parse", () => {
    const report = reportFor({ kind: "change", title: "t", body: "", allowed: ["a.ts"], kindReason: "", instructions: null });
    const old = { ...report, task: { kind: "change", title: "t", allowed_files: ["a.ts"], test_command: null } };
    expect(ReportSchema.parse(old).task.all_files_allowed).toBe(false);
  });
});

describe(".github/workflows is refused up front", () => {
  it.each([".github/workflows/**", ".github/workflows/ci.yml", ".github/workflows/", ".GitHub/Workflows/x.yml"])("%s", (entry) => {
    const built = buildTask({ text: `# Speed up CI\n\nAllowed files: src/a.ts, ${entry}` });
    expect(built.ok).toBe(false);
    if (!built.ok) expect(built.message).toContain('GitHub accepts a push that changes a workflow only from an app with the "workflows" permission');
  });

  it("a broader glob is accepted, but a write under .github/workflows is refused with the reason", async () => {
    const repo = await makeGitRepo(SUM_REPO);
    cleanups.push(repo.cleanup);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "la-workflows-"));
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const transcript = await writeTranscript(dir, [
      replyLine({ tool: "write_file", args: { path: ".github/workflows/ci.yml", content: "on: push\n" } }),
      replyLine({ tool: "write_file", args: { path: ".github/dependabot.yml", content: "version: 2\n" } }),
      replyLine({ tool: "finish", args: { summary: "done" } }),
    ]);
    const report = path.join(dir, "r.json");
    const text = "# Tidy the repository settings\n\nAllowed files: .github/**";
    const args = ["run", "--repo", repo.dir, "--issue-text", text, "--model", `replay:${transcript}`, "--test-cmd", "none", "--report", report, "--quiet"];
    expect(await main(args, captureCli().deps)).toBe(0);
    const written = ReportSchema.parse(JSON.parse(await fs.readFile(report, "utf8")));
    expect(written.turns[0]?.error).toContain("files under .github/workflows/ cannot be changed by local-agent");
    expect(written.files_changed).toEqual([".github/dependabot.yml"]);
    await expect(fs.access(path.join(repo.dir, ".github/workflows/ci.yml"))).rejects.toThrow();
  });
});

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

function reportFor(task: Task) {
  return buildReport({
    task,
    testCommand: null,
    model: { spec: "replay:x", backend: "replay", name: "x", quantization: null, contextLength: null, numCtx: null, backendVersion: null, warnings: [] },
    outcome: "completed",
    exitReason: "finish accepted",
    scaffold: [],
    sandbox: { mode: "off", limits: {} },
    turns: [],
    summary: null,
    answer: null,
    filesChanged: [],
    startedAt: new Date("2026-01-01T00:00:00Z"),
    durationMs: 1,
    testsBefore: null,
    testsAfter: null,
  });
}
