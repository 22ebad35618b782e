import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";

/** A temp git repository with one commit of `files`; `cleanup()` removes it. */
export async function makeGitRepo(files: Record<string, string>): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "la-repo-"));
  for (const [name, content] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await fs.writeFile(path.join(dir, name), content);
  }
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "core.hooksPath=/dev/null", ...args], {
      cwd: dir,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: "Fixture",
        GIT_AUTHOR_EMAIL: "fixture@example.invalid",
        GIT_COMMITTER_NAME: "Fixture",
        GIT_COMMITTER_EMAIL: "fixture@example.invalid",
        GIT_AUTHOR_DATE: "2026-01-01T00:00:00Z",
        GIT_COMMITTER_DATE: "2026-01-01T00:00:00Z",
      },
      stdio: "pipe",
    });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "Initial commit");
  return { dir, cleanup: () => fs.rm(dir, { recursive: true, force: true }) };
}

/** A JSON line of a replay transcript whose content is the given tool call. */
export function replyLine(call: unknown, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ content: typeof call === "string" ? call : JSON.stringify(call), ...extra });
}

/** Writes a replay transcript file and returns its path. */
export async function writeTranscript(dir: string, lines: string[], name = "transcript.jsonl"): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, `${lines.join("\n")}\n`);
  return file;
}

/** A small Node project whose test fails until `sum` adds. */
export const SUM_REPO: Record<string, string> = {
  "package.json": JSON.stringify({ name: "sum-fixture", type: "module", scripts: { test: "node --test" } }, null, 2),
  "src/sum.js": "export function sum(a, b) {\n  return a - b;\n}\n",
  "src/sums.js": "// Decoy: a similarly named file that is not part of the task.\nexport function sums(list) {\n  return list.reduce((a, b) => a - b, 0);\n}\n",
  "test/sum.test.js":
    'import { test } from "node:test";\nimport assert from "node:assert/strict";\nimport { sum } from "../src/sum.js";\n\ntest("sum adds", () => {\n  assert.equal(sum(2, 3), 5);\n});\n',
  ".gitignore": "node_modules/\n.env\n",
};

export const SUM_ISSUE = `# sum() subtracts instead of adding

Calling \`sum(2, 3)\` returns -1; it should return 5.

## Allowed files
- src/sum.js
`;
