import { describe, expect, it } from "vitest";
import { parseRepoConfig } from "../../src/config/parse-repo-config.js";

const ALLOWLIST = ["ollama:qwen2.5-coder:14b", "llamacpp:http://127.0.0.1:8080/"];

function messageOf(yamlText: string | null, allowlist: string[] = ALLOWLIST): string {
  const result = parseRepoConfig({ yamlText, allowlist });
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.config)}`);
  return result.message;
}

/** The bullet lines of the message: one per problem. */
function problemsOf(message: string): string[] {
  return message.split("\n").filter((line) => line.startsWith("- "));
}

describe("parseRepoConfig", () => {
  it.each([
    ["an absent file", null],
    ["an empty file", ""],
    ["a file with only comments", "# nothing configured yet\n\n"],
  ])("gives the defaults for %s", (_name, yamlText) => {
    expect(parseRepoConfig({ yamlText, allowlist: ALLOWLIST })).toEqual({ ok: true, config: { allowed: [] } });
  });

  it("reads a complete file, normalizing globs and the model spec", () => {
    const result = parseRepoConfig({
      yamlText: [
        "test: npm test -- --run",
        "setup: npm ci --ignore-scripts",
        "allowed:",
        "  - src/",
        "  - 'test/**/*.test.ts'",
        "  - ./README.md",
        "max_turns: 60",
        "context_budget: 24576",
        "timeout_minutes: 30",
        "model: llamacpp:http://127.0.0.1:8080",
      ].join("\n"),
      allowlist: ALLOWLIST,
    });
    expect(result).toEqual({
      ok: true,
      config: {
        test: "npm test -- --run",
        setup: "npm ci --ignore-scripts",
        allowed: ["src/**", "test/**/*.test.ts", "README.md"],
        max_turns: 60,
        context_budget: 24576,
        timeout_minutes: 30,
        model: "llamacpp:http://127.0.0.1:8080",
      },
    });
  });

  it("quotes every problem with its key path and the value found, in one message", () => {
    const message = messageOf(
      [
        "test: ''",
        "allowed:",
        "  - ../secrets.txt",
        "  - src/**",
        "  - 42",
        "max_turns: lots",
        "context_budget: 100",
        "timeout_minutes: 2.5",
        "alowed: [src/**]",
        "scaffold: none",
      ].join("\n"),
    );
    expect(problemsOf(message)).toEqual([
      '- `test`: expected a command line, not an empty string, got `""`',
      '- `allowed[0]`: `"../secrets.txt"` contains `".."`: paths must stay inside the repository',
      "- `allowed[2]`: expected a repo-relative path or glob as text, e.g. `src/**/*.ts`, got `42`",
      '- `max_turns`: expected a whole number from 1 to 200, got `"lots"`',
      "- `context_budget`: expected a whole number from 1024 to 131072, got `100`",
      "- `timeout_minutes`: expected a whole number from 1 to 120, got `2.5`",
      "- `alowed`: unknown key; local-agent reads `test`, `setup`, `allowed`, `max_turns`, `context_budget`, `timeout_minutes`, `model`",
      "- `scaffold`: the scaffolding is chosen by the operator of this local-agent installation, not by repositories; remove the key",
    ]);
    expect(message).toMatch(/^`\.github\/local-agent\.yml` on the default branch is not valid/);
  });

  it("a list given as one string is an error, not a silent single glob", () => {
    expect(problemsOf(messageOf("allowed: src/**\n"))).toEqual([
      '- `allowed`: expected a list of repo-relative paths or globs, one per line starting with `- `, got `"src/**"`',
    ]);
  });

  it("a model must be on the operator's allowlist, and the message says which ones are", () => {
    expect(problemsOf(messageOf("model: ollama:llama3.3:70b\n"))).toEqual([
      "- `model`: `ollama:llama3.3:70b` is not one of the models the operator allows: `ollama:qwen2.5-coder:14b`, `llamacpp:http://127.0.0.1:8080`",
    ]);
    expect(problemsOf(messageOf("model: ollama:qwen2.5-coder:14b\n", []))).toEqual([
      "- `model`: this installation does not let repositories choose a model (the operator's LOCAL_AGENT_MODEL_ALLOWLIST is empty); remove the key",
    ]);
    expect(problemsOf(messageOf("model: gpt-4\n"))[0]).toMatch(/^- `model`: model spec `"gpt-4"` is not one of ollama:<tag>/);
    // Problems elsewhere do not hide the allowlist problem.
    expect(problemsOf(messageOf("max_turns: 0\nmodel: ollama:big\n"))).toHaveLength(2);
  });

  it("points at the line and column of a YAML syntax error, with the excerpt", () => {
    const message = messageOf("test: npm test\nallowed: [src/**, lib/**\nmax_turns: 3\n");
    expect(message).toContain("- line 3, column 1: Flow sequence in block collection must be sufficiently indented and end with a ]");
    expect(message).toContain("  ```text\n  allowed: [src/**, lib/**\n  max_turns: 3\n  ^\n  ```");
    expect(messageOf("test: a\ntest: b\n")).toContain("- line 2, column 1: Map keys must be unique");
    expect(messageOf("test: a\n---\nsetup: b\n")).toContain("- line 2, column 1: Source contains multiple documents");
  });

  it("refuses a file that is not a mapping, or absurdly large", () => {
    expect(problemsOf(messageOf("- npm test\n"))).toEqual([
      "- the file must be a mapping of keys to values (like `test: npm test`), but it holds a list",
    ]);
    expect(problemsOf(messageOf("just some words\n"))[0]).toMatch(/holds a string \("just some words"\)/);
    expect(problemsOf(messageOf(`test: ${"x".repeat(70_000)}\n`))[0]).toMatch(/is 70007 bytes; a config file is expected to be under 64 KiB/);
  });

  it("keeps user text inert in markdown: backticks cannot close the code span, mentions stay in code", () => {
    const message = messageOf("allowed:\n  - '@org/team/../x'\n\"we`ird\": 1\n");
    expect(message).toContain('`"@org/team/../x"`');
    expect(message).toContain("- `` we`ird ``: unknown key");
    expect(message).not.toMatch(/(^|[^`"])@org/);
  });

  it("shows an example file that itself parses, with an allowlisted model when there is one", () => {
    for (const allowlist of [ALLOWLIST, []]) {
      const message = messageOf("max_turns: 0\n", allowlist);
      const example = /```yaml\n([\s\S]*?)\n```/.exec(message)?.[1];
      expect(example).toBeDefined();
      const parsed = parseRepoConfig({ yamlText: example ?? "", allowlist });
      expect(parsed.ok).toBe(true);
      expect(parsed.ok && parsed.config.model).toBe(allowlist.length ? "ollama:qwen2.5-coder:14b" : undefined);
    }
  });
  it("refuses invalid UTF-8 with the line, column and byte, instead of reading U+FFFD", () => {
    const bytes = Buffer.concat([Buffer.from("test: npm test\nsetup: echo caf"), Buffer.from([0xe9]), Buffer.from("\nmax_turns: 5\n")]);
    const result = parseRepoConfig({ bytes, size: bytes.length, allowlist: ALLOWLIST });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(problemsOf(result.message)).toEqual(["- line 2, column 16: the file is not valid UTF-8 (byte 0xE9); save it as UTF-8"]);
    const good = Buffer.from("setup: echo café ✓ 🙂\n");
    expect(parseRepoConfig({ bytes: good, size: good.length, allowlist: ALLOWLIST })).toMatchObject({ ok: true, config: { setup: "echo café ✓ 🙂" } });
    // Overlong encodings and surrogates are not UTF-8 either.
    for (const bad of [[0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]]) {
      const text = parseRepoConfig({ bytes: Buffer.from([0x23, ...bad]), allowlist: ALLOWLIST });
      expect(text.ok ? "" : problemsOf(text.message)[0]).toMatch(/^- line 1, column 2: the file is not valid UTF-8/);
    }
  });

  it("refuses a file too large to be a config, whether GitHub sent its content or only its size", () => {
    const withoutContent = parseRepoConfig({ bytes: null, size: 1_500_000, allowlist: ALLOWLIST });
    expect(withoutContent.ok ? "" : problemsOf(withoutContent.message)[0]).toContain("GitHub sent the file without its content (it is 1500000 bytes");
    const big = Buffer.from(`# ${"x".repeat(70_000)}\n`);
    const withContent = parseRepoConfig({ bytes: big, size: big.length, allowlist: ALLOWLIST });
    expect(withContent.ok ? "" : problemsOf(withContent.message)[0]).toContain(`the file is ${big.length} bytes; a config file is expected to be under 64 KiB`);
  });
});
