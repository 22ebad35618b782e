import { describe, expect, it } from "vitest";
import { CHANGE_TOOLS, QUESTION_TOOLS } from "../../../src/protocol/tool-schemas.js";
import { exampleCall } from "../../../src/protocol/example-call.js";
import { validateCall } from "../../../src/scaffold/repair/validate-call.js";

const error = (candidate: unknown, tools = CHANGE_TOOLS) => {
  const result = validateCall(candidate, tools);
  if (result.ok) throw new Error("expected an error");
  return result.error;
};

describe("validateCall error taxonomy", () => {
  it("accepts a valid call", () => {
    expect(validateCall({ tool: "run_tests", args: {} }, CHANGE_TOOLS)).toEqual({ ok: true, call: { tool: "run_tests", args: {} } });
  });

  it.each([
    ["not an object", "read_file", "no_call", [], "read_file"],
    ["no tool field", { args: {} }, "no_call", [`"tool" field`], "read_file"],
    ["unknown tool", { tool: "bash", args: {} }, "unknown_tool", [`"bash"`, "no shell", "run_tests"], "read_file"],
    ["ambiguous near name", { tool: "writ_file", args: {} }, "unknown_tool", ["edit_file or write_file"], "edit_file"],
    ["missing argument", { tool: "edit_file", args: { path: "a" } }, "missing_arg", [`"old_text" and "new_text"`, "You sent: path"], "edit_file"],
    ["missing and unknown", { tool: "finish", args: { message: "x" } }, "missing_arg", [`"summary"`, `does not take "message"`], "finish"],
    ["unknown argument", { tool: "search", args: { pattern: "x", case_sensitive: false } }, "unexpected_arg", [`"case_sensitive"`, "pattern (required), path"], "search"],
    ["unknown top-level field", { tool: "run_tests", args: {}, reason: "check" }, "unexpected_arg", [`"reason"`], "run_tests"],
    ["args not an object", { tool: "read_file", args: ["a.ts"] }, "wrong_type", [`"args" must be an object`], "read_file"],
    ["wrong value type", { tool: "read_file", args: { path: "a", start_line: 0 } }, "wrong_type", [`"start_line"`], "read_file"],
  ] as const)("%s → %s", (_, candidate, code, mentions, example) => {
    const e = error(candidate);
    expect(e.code).toBe(code);
    for (const mention of mentions) expect(e.message).toContain(mention);
    expect(e.message).toContain(exampleCall(example));
  });

  it("tells a question task that files are not changed", () => {
    const e = error({ tool: "write_file", args: { path: "a", content: "b" } }, QUESTION_TOOLS);
    expect(e).toMatchObject({ code: "tool_not_available", tool: "write_file" });
    expect(e.message).toContain("This task is a question");
    expect(e.message).toContain(exampleCall("read_file"));
  });

  it("does not suggest a shell in a question task", () => {
    const e = error({ tool: "run_command", args: {} }, QUESTION_TOOLS);
    expect(e.message).toContain("There is no shell: inspect code with search, read_file and list_files.");
    expect(e.message).not.toContain("run_tests");
  });
});
