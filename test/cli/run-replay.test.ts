import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { ReportSchema } from "../../src/report/report-schema.js";
import { captureCli } from "../helpers/capture-cli.js";
import { makeGitRepo, replyLine, SUM_ISSUE, SUM_REPO, writeTranscript } from "../helpers/git-fixture.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function scratch(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "la-run-"));
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

describe("local-agent run with a replay transcript", () => {
  it("fixes a failing test end to end: exit 0, outcome completed, report and markdown written", async () => {
    const repo = await makeGitRepo(SUM_REPO);
    cleanups.push(repo.cleanup);
    const dir = await scratch();
    const transcript = await writeTranscript(dir, [
      replyLine({ thought: "Look at sum.", tool: "read_file", args: { path: "src/sum.js" } }),
      replyLine({ thought: "Fix it.", tool: "edit_file", args: { path: "src/sum.js", old_text: "return a - b;", new_text: "return a + b;" } }),
      replyLine({ tool: "run_tests", args: {} }),
      replyLine({ tool: "finish", args: { summary: "sum now adds its arguments." } }),
    ]);
    const task = path.join(dir, "issue.md");
    await fs.writeFile(task, SUM_ISSUE);
    const report = path.join(dir, "report.json");
    const cli = captureCli();
    const code = await main(["run", "--repo", repo.dir, "--task", task, "--model", `replay:${transcript}`, "--report", report], cli.deps);
    expect(cli.err()).not.toMatch(/Error:|at .*\.js:\d+/);
    expect(code).toBe(0);
    expect(await fs.readFile(path.join(repo.dir, "src/sum.js"), "utf8")).toContain("return a + b;");
    const parsed = ReportSchema.parse(JSON.parse(await fs.readFile(report, "utf8")));
    expect(parsed.outcome).toBe("completed");
    expect(parsed.turns.map((t) => t.tool)).toEqual(["read_file", "edit_file", "run_tests", "finish"]);
    expect(parsed.turns.every((t) => t.raw_valid && t.valid && t.interventions.length === 0)).toBe(true);
    expect(parsed.totals.tests_before?.passed).toBe(false);
    expect(parsed.totals.tests_before?.failed_count).toBe(1);
    expect(parsed.totals.tests_after?.passed).toBe(true);
    expect(parsed.totals.validity_raw).toBe(1);
    expect(parsed.files_changed).toEqual(["src/sum.js"]);
    expect(parsed.task.test_command).toBe("npm test");
    const markdown = await fs.readFile(path.join(dir, "report.md"), "utf8");
    expect(markdown).toContain("✅ completed");
    expect(markdown).toContain("| 4 | agent | `finish` |");
    expect(cli.out()).toContain("outcome: completed");
  });

  it("exits 1 with 'replay exhausted' when the transcript runs out", async () => {
    const repo = await makeGitRepo(SUM_REPO);
    cleanups.push(repo.cleanup);
    const dir = await scratch();
    const transcript = await writeTranscript(dir, [replyLine({ tool: "read_file", args: { path: "src/sum.js" } })]);
    const cli = captureCli();
    const code = await main(
      ["run", "--repo", repo.dir, "--issue-text", SUM_ISSUE, "--model", `replay:${transcript}`, "--report", path.join(dir, "r.json"), "--quiet"],
      cli.deps,
    );
    expect(code).toBe(1);
    const parsed = ReportSchema.parse(JSON.parse(await fs.readFile(path.join(dir, "r.json"), "utf8")));
    expect(parsed.outcome).toBe("failed");
    expect(parsed.exit_reason).toMatch(/replay exhausted/);
  });

  it("refuses a change task without allowed files, showing the syntax (exit 2)", async () => {
    const repo = await makeGitRepo(SUM_REPO);
    cleanups.push(repo.cleanup);
    const cli = captureCli();
    const code = await main(["run", "--repo", repo.dir, "--issue-text", "# Fix sum\nIt subtracts.", "--model", "replay:/nonexistent.jsonl"], cli.deps);
    expect(code).toBe(2);
    expect(cli.err()).toContain("names no allowed files");
    expect(cli.err()).toContain("### Allowed files");
  });

  it("refuses hostile allowed-file entries before anything runs (exit 2)", async () => {
    const repo = await makeGitRepo(SUM_REPO);
    cleanups.push(repo.cleanup);
    const cli = captureCli();
    const text = "# Fix sum\n\n## Allowed files\n- src/sum.js\n- ../../etc/passwd\n- /etc/shadow\n- .git/config\n";
    const code = await main(["run", "--repo", repo.dir, "--issue-text", text, "--model", "replay:/x.jsonl"], cli.deps);
    expect(code).toBe(2);
    expect(cli.err()).toContain("`../../etc/passwd`: ");
    expect(cli.err()).toContain("`/etc/shadow`: ");
    expect(cli.err()).toContain("`.git/config`: ");
  });

  it("rejects bad usage with exit 2 and the usage text", async () => {
    const cli = captureCli();
    expect(await main(["run", "--repo", "/tmp"], cli.deps)).toBe(2);
    expect(cli.err()).toContain("Usage: local-agent run");
    const other = captureCli();
    expect(await main(["run", "--bogus"], other.deps)).toBe(2);
    expect(await main(["frobnicate"], other.deps)).toBe(2);
  });
});
