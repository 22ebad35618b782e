import fs from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ToolCall } from "../../src/protocol/tool-schemas.js";
import { executeToolCall } from "../../src/agent/tools/execute-tool-call.js";
import type { ToolContext } from "../../src/agent/tools/tool-context.js";
import type { TestRun } from "../../src/protocol/observation.js";
import { createAllowedMatcher } from "../../src/task/allowed-files.js";
import { createWorkspace } from "../../src/workspace/create-workspace.js";
import { makeGitRepo } from "../helpers/git-fixture.js";

const FILES: Record<string, string> = {
  "src/math.js": "export function add(a, b) {\n  return a + b;\n}\n\nexport function sub(a, b) {\n  return a - b;\n}\n",
  "src/dup.js": "const x = 1;\nconst y = 2;\nconst x2 = 1;\nlog();\nlog();\n",
  "src/format.js": "export function money(n) {\n    return '$' + n.toFixed(2);\n}\n",
  "src/formats.js": "export function percent(n) {\n  return (n * 100).toFixed(1) + '%';\n}\n",
  "docs/guide.md": "# Guide\n\nUse `add`.\n",
  "big.txt": `${"line\n".repeat(1000)}`,
  ".gitignore": ".env\nbuild/\n",
};

let repo: { dir: string; cleanup: () => Promise<void> };
let ctx: ToolContext;
let testRuns = 0;

async function context(allowed: string[], extra: Partial<ToolContext> = {}): Promise<ToolContext> {
  const match = createAllowedMatcher(allowed);
  const workspace = await createWorkspace({
    root: repo.dir,
    canWrite: (p) => (match(p) ? { ok: true } : { ok: false, reason: `"${p}" is not one of the allowed files (${allowed.join(", ")})` }),
  });
  return { workspace, runTests: null, maxObservationChars: 6000, env: process.env, ...extra };
}

const run = (call: ToolCall) => executeToolCall(call, ctx);

beforeEach(async () => {
  repo = await makeGitRepo(FILES);
  await fs.writeFile(path.join(repo.dir, ".env"), "SECRET=1\n");
  ctx = await context(["src/math.js", "src/format.js", "src/new/*.js", "docs/*.md", "src/dup.js"]);
  testRuns = 0;
});
afterEach(() => repo.cleanup());

describe("list_files", () => {
  it("lists tracked files under a folder, not ignored ones", async () => {
    const all = await run({ tool: "list_files", args: {} });
    expect(all.ok).toBe(true);
    expect(all.text).toContain("src/math.js");
    expect(all.text).not.toContain(".env");
    const src = await run({ tool: "list_files", args: { path: "src/" } });
    expect(src.text).toMatch(/^4 files under "src":/);
  });
  it("says what exists when the folder is empty or missing, and refuses escapes", async () => {
    const missing = await run({ tool: "list_files", args: { path: "lib" } });
    expect(missing.ok).toBe(false);
    expect(missing.text).toContain("Top level of the repository: ");
    expect(missing.text).toContain("src/");
    const escape = await run({ tool: "list_files", args: { path: "../" } });
    expect(escape.ok).toBe(false);
    expect(escape.text).toContain('contains ".."');
  });
});

describe("read_file", () => {
  it("shows numbered lines and ranges", async () => {
    const whole = await run({ tool: "read_file", args: { path: "src/math.js" } });
    expect(whole.text).toContain("src/math.js (7 lines):\n1 | export function add(a, b) {");
    const part = await run({ tool: "read_file", args: { path: "src/math.js", start_line: 5, end_line: 6 } });
    expect(part.text).toBe("src/math.js lines 5-6 of 7:\n5 | export function sub(a, b) {\n6 |   return a - b;");
  });
  it("caps long files and says how to read more", async () => {
    const big = await run({ tool: "read_file", args: { path: "big.txt" } });
    expect(big.text).toContain("lines 1-400 of 1000");
    expect(big.text).toContain("read them with start_line 401");
  });
  it("errors the model can act on", async () => {
    expect((await run({ tool: "read_file", args: { path: "nope.js" } })).text).toContain('"nope.js" does not exist');
    expect((await run({ tool: "read_file", args: { path: "src" } })).text).toContain("is a folder; use list_files");
    expect((await run({ tool: "read_file", args: { path: ".env" } })).text).toContain("not a tracked file");
    expect((await run({ tool: "read_file", args: { path: "/etc/passwd" } })).text).toContain("is absolute");
    expect((await run({ tool: "read_file", args: { path: ".git/config" } })).text).toContain("inside .git/");
    expect((await run({ tool: "read_file", args: { path: "src/math.js", start_line: 50 } })).text).toContain("has 7 lines; start_line 50 is past the end");
    expect((await run({ tool: "read_file", args: { path: "src/math.js", start_line: 5, end_line: 2 } })).text).toContain("end_line (2) is before start_line (5)");
  });
});

describe("search", () => {
  it("finds regex matches with file:line", async () => {
    const found = await run({ tool: "search", args: { pattern: "function\\s+(add|sub)" } });
    expect(found.text).toContain("2 matches in 1 file:");
    expect(found.text).toContain("src/math.js:1: export function add(a, b) {");
    expect(found.text).toContain("src/math.js:5: export function sub(a, b) {");
  });
  it("falls back to a literal search for an invalid regex, and scopes to a path", async () => {
    const literal = await run({ tool: "search", args: { pattern: "toFixed(2" } });
    expect(literal.text).toContain("searched as literal text");
    expect(literal.text).toContain("src/format.js:2:");
    const scoped = await run({ tool: "search", args: { pattern: "toFixed", path: "src/formats.js" } });
    expect(scoped.text).toContain("1 match in 1 file");
  });
  it("reports no matches plainly and does not search ignored files", async () => {
    const none = await run({ tool: "search", args: { pattern: "SECRET" } });
    expect(none.ok).toBe(true);
    expect(none.text).toContain('No matches for "SECRET"');
  });
});

describe("edit_file", () => {
  it("replaces text that occurs exactly once and shows the result", async () => {
    const edited = await run({ tool: "edit_file", args: { path: "src/math.js", old_text: "return a - b;", new_text: "return b - a;" } });
    expect(edited.ok).toBe(true);
    expect(edited.wrote).toBe("src/math.js");
    expect(edited.text).toContain("6 |   return b - a;");
    expect(await fs.readFile(path.join(repo.dir, "src/math.js"), "utf8")).toContain("return b - a;");
  });
  it("0 matches: shows the closest lines", async () => {
    const miss = await run({ tool: "edit_file", args: { path: "src/math.js", old_text: "return a-b", new_text: "x" } });
    expect(miss.ok).toBe(false);
    expect(miss.text).toContain("old_text was not found in src/math.js. The closest lines are 6-6:");
    expect(miss.text).toContain("6 |   return a - b;");
  });
  it("2+ matches: says where and asks for more context", async () => {
    const many = await run({ tool: "edit_file", args: { path: "src/dup.js", old_text: "log();", new_text: "warn();" } });
    expect(many.ok).toBe(false);
    expect(many.text).toContain("occurs 2 times in src/dup.js (at lines 4, 5)");
    expect(many.text).toContain("Include more of the surrounding lines");
  });
  it("matches ignoring indentation only when unique, and says so", async () => {
    // The model copied the block with two extra spaces on every line: a uniform shift.
    const loose = await run({
      tool: "edit_file",
      args: {
        path: "src/format.js",
        old_text: "  export function money(n) {\n      return '$' + n.toFixed(2);",
        new_text: "  export function money(n) {\n      return '$' + n.toFixed(2) + ' USD';",
      },
    });
    expect(loose.ok).toBe(true);
    expect(loose.text).toContain("matched ignoring indentation");
    expect(await fs.readFile(path.join(repo.dir, "src/format.js"), "utf8")).toBe("export function money(n) {\n    return '$' + n.toFixed(2) + ' USD';\n}\n");
    // A non-uniform indentation difference is not guessed at: the model is shown the real lines.
    const mixed = await run({
      tool: "edit_file",
      args: { path: "src/format.js", old_text: "export function money(n) {\n  return '$' + n.toFixed(2) + ' USD';", new_text: "export function money(n) {\n  return 1;" },
    });
    expect(mixed.ok).toBe(false);
    expect(mixed.text).toContain("The closest lines are 1-2:");
  });
  it("refuses files outside the allowed list, naming the list", async () => {
    const refused = await run({ tool: "edit_file", args: { path: "src/formats.js", old_text: "toFixed(1)", new_text: "toFixed(2)" } });
    expect(refused.ok).toBe(false);
    expect(refused.wrongFile).toBe(true);
    expect(refused.text).toContain("not one of the allowed files (src/math.js, src/format.js");
    expect(await fs.readFile(path.join(repo.dir, "src/formats.js"), "utf8")).toContain("toFixed(1)");
  });
  it("marks an edit whose old_text is nowhere in the file, for the scope layer's hint", async () => {
    const missing = await run({ tool: "edit_file", args: { path: "./src/format.js", old_text: "(n * 100).toFixed(1)", new_text: "x" } });
    expect(missing).toMatchObject({ ok: false, oldTextMissingFrom: "src/format.js" });
    expect(missing.text).not.toContain("src/formats.js");
    // The layers see the observation before it is clipped.
    const seen: string[] = [];
    await executeToolCall({ tool: "read_file", args: { path: "big.txt" } }, { ...ctx, maxObservationChars: 100 }, async (o) => (seen.push(o.text), o));
    expect(seen[0]?.length).toBeGreaterThan(100);
  });
  it("rejects no-op edits and missing files with a pointer to write_file", async () => {
    expect((await run({ tool: "edit_file", args: { path: "src/math.js", old_text: "a", new_text: "a" } })).text).toContain("identical");
    expect((await run({ tool: "edit_file", args: { path: "src/new/x.js", old_text: "a", new_text: "b" } })).text).toContain("Use write_file to create");
  });
  it("keeps CRLF line endings", async () => {
    await fs.writeFile(path.join(repo.dir, "src/math.js"), "export const a = 1;\r\nexport const b = 2;\r\n");
    const edited = await run({ tool: "edit_file", args: { path: "src/math.js", old_text: "export const a = 1;\nexport const b = 2;", new_text: "export const a = 3;\nexport const b = 4;" } });
    expect(edited.ok).toBe(true);
    expect(await fs.readFile(path.join(repo.dir, "src/math.js"), "utf8")).toBe("export const a = 3;\r\nexport const b = 4;\r\n");
  });
});

describe("write_file", () => {
  it("creates allowed files and replaces whole files", async () => {
    const created = await run({ tool: "write_file", args: { path: "src/new/util.js", content: "export const one = 1;\n" } });
    expect(created.text).toBe("Created src/new/util.js (1 line).");
    const replaced = await run({ tool: "write_file", args: { path: "docs/guide.md", content: "# Guide\n" } });
    expect(replaced.text).toBe("Replaced docs/guide.md (1 line).");
  });
  it("refuses paths outside the checkout, in .git, absolute, or not allowed", async () => {
    for (const target of ["../escape.js", "/tmp/escape.js", ".git/hooks/pre-commit", "src/formats.js", "README.md"]) {
      const refused = await run({ tool: "write_file", args: { path: target, content: "x" } });
      expect(refused.ok, target).toBe(false);
    }
    await expect(fs.stat(path.join(repo.dir, "..", "escape.js"))).rejects.toThrow();
    await expect(fs.stat(path.join(repo.dir, ".git/hooks/pre-commit"))).rejects.toThrow();
  });
  it("refuses a lazy rewrite that elides code", async () => {
    const lazy = await run({ tool: "write_file", args: { path: "src/math.js", content: "export function add(a, b) {\n  return a + b + 0;\n}\n// ... rest of the file unchanged\n" } });
    expect(lazy.ok).toBe(false);
    expect(lazy.text).toContain("elision comment");
    expect(await fs.readFile(path.join(repo.dir, "src/math.js"), "utf8")).toContain("export function sub");
  });
});

describe("run_tests", () => {
  it("reports pass/fail with counts and clipped output", async () => {
    const runTests = async (): Promise<TestRun> => {
      testRuns++;
      return {
        summary: { passed: false, exit_code: 1, timed_out: false, failed_count: 2, passed_count: 5, duration_ms: 1234 },
        output: `${"noise\n".repeat(5000)}AssertionError: expected 5\n# fail 2`,
      };
    };
    ctx = await context(["src/math.js"], { runTests, maxObservationChars: 2000 });
    const result = await run({ tool: "run_tests", args: {} });
    expect(testRuns).toBe(1);
    expect(result.text).toMatch(/^Tests FAILED \(exit 1, 2 failed, 5 passed\) in 1\.2s\./);
    expect(result.text).toContain("AssertionError: expected 5");
    expect(result.text).toContain("omitted");
    expect(result.text.length).toBeLessThan(2300);
  });
  it("explains when there is no test command", async () => {
    const result = await run({ tool: "run_tests", args: {} });
    expect(result.ok).toBe(false);
    expect(result.text).toContain("no test command");
  });
});
