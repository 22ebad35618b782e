import fs from "node:fs/promises";
import path from "node:path";

/** npm's placeholder script, which fails by design. */
const NPM_PLACEHOLDER = /no test specified/;

/**
 * The repository's test command when none was given: `npm test` when package.json has a real
 * test script, `pytest` for Python projects, `go test ./...`, `cargo test`, `make test`.
 * Null when nothing fits (the caller says how to pass one).
 */
export async function detectTestCommand(params: { root: string; files: readonly string[] }): Promise<string | null> {
  const { root, files } = params;
  const has = (name: string) => files.includes(name);
  const read = async (name: string) => fs.readFile(path.join(root, name), "utf8").catch(() => "");
  if (has("package.json")) {
    try {
      const pkg = JSON.parse(await read("package.json")) as { scripts?: Record<string, unknown> };
      const test = pkg.scripts?.test;
      if (typeof test === "string" && test.trim() !== "" && !NPM_PLACEHOLDER.test(test)) return "npm test";
    } catch {
      // A broken package.json is the agent's problem to report, not a reason to guess.
    }
  }
  const python =
    ["pytest.ini", "conftest.py", "tox.ini"].some(has) ||
    (has("pyproject.toml") && /\[tool\.pytest/.test(await read("pyproject.toml"))) ||
    (has("setup.cfg") && /\[tool:pytest\]/.test(await read("setup.cfg"))) ||
    files.some((file) => /(^|\/)(test_[^/]*|[^/]*_test)\.py$/.test(file));
  if (python) return "pytest";
  if (has("go.mod")) return "go test ./...";
  if (has("Cargo.toml")) return "cargo test";
  if (has("Makefile") && /^test\s*:/m.test(await read("Makefile"))) return "make test";
  return null;
}
