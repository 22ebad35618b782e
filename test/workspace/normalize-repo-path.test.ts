import { describe, expect, it } from "vitest";
import { normalizeRepoPath } from "../../src/workspace/normalize-repo-path.js";

/** The path guard's lexical half: what a model or an issue wrote becomes a clean repo path, or a reason. */
describe("normalizeRepoPath", () => {
  it.each([
    ["src/a.js", "src/a.js"],
    ["  src/a.js  ", "src/a.js"],
    ["./src/a.js", "src/a.js"],
    ["././src/a.js", "src/a.js"],
    ["src/./a.js", "src/a.js"],
    ["src//a.js", "src/a.js"],
    ["src\\lib\\a.js", "src/lib/a.js"],
    ["src/", "src"],
    ["./", "."],
    [".", "."],
    ["./.", "."],
    ["a", "a"],
    ["C:file.txt", "C:file.txt"],
    ["x\\\\y", "x/y"],
    ["dir~/a", "dir~/a"],
    [".github/workflows/ci.yml", ".github/workflows/ci.yml"],
    [".gitignore", ".gitignore"],
    ["src/.gitkeep", "src/.gitkeep"],
    ["dir\\\\", "dir"],
    ["src/C:/x", "src/C:/x"],
  ])("%j → %j", (input, path) => {
    expect(normalizeRepoPath(input)).toEqual({ ok: true, path });
  });

  it.each([
    ["", "the path is empty"],
    ["   ", "the path is empty"],
    ["src/a\0.js", "the path contains a NUL byte"],
    ["/etc/passwd", '"/etc/passwd" is absolute; use a path relative to the repository root'],
    ["~/.ssh/id_rsa", '"~/.ssh/id_rsa" is absolute; use a path relative to the repository root'],
    ["C:\\Windows\\win.ini", '"C:\\Windows\\win.ini" is absolute; use a path relative to the repository root'],
    ["c:/x", '"c:/x" is absolute; use a path relative to the repository root'],
    ["\\\\server\\share", '"\\\\server\\share" is absolute; use a path relative to the repository root'],
    ["../outside", '"../outside" contains "..": paths must stay inside the repository'],
    ["src/../../x", '"src/../../x" contains "..": paths must stay inside the repository'],
    ["src\\..\\x", '"src\\..\\x" contains "..": paths must stay inside the repository'],
    [".git/config", '".git/config" is inside .git/, which is never readable or writable'],
    ["./.GIT/hooks/pre-commit", '"./.GIT/hooks/pre-commit" is inside .git/, which is never readable or writable'],
    ["sub/.git", '"sub/.git" is inside .git/, which is never readable or writable'],
    [".git/", '".git/" is inside .git/, which is never readable or writable'],
  ])("refuses %j: %s", (input, reason) => {
    expect(normalizeRepoPath(input)).toEqual({ ok: false, reason });
  });
});
