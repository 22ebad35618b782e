import { describe, expect, it } from "vitest";
import { CHANGE_TOOLS, QUESTION_TOOLS } from "../../../src/protocol/tool-schemas.js";
import { normalizeCallShape, resolveToolName, stripOuterFence } from "../../../src/scaffold/repair/normalize-call-shape.js";

const F = "```";

describe("resolveToolName", () => {
  it.each([
    ["read_file", "read_file"],
    ["ReadFile", "read_file"],
    ["readFile", "read_file"],
    ["READ_FILE", "read_file"],
    ["read-file", "read_file"],
    ["readfile", "read_file"],
    ["functions.read_file", "read_file"],
    ["cat", "read_file"],
    ["view_file", "read_file"],
    ["grep", "search"],
    ["replace_in_file", "edit_file"],
    ["create_file", "write_file"],
    ["attempt_completion", "finish"],
    ["read_fil", "read_file"],
    ["run_test", "run_tests"],
    ["list_file", "list_files"],
  ])("%s → %s", (raw, tool) => {
    expect(resolveToolName(raw, CHANGE_TOOLS)).toBe(tool);
  });

  it.each(["writ_file", "wdit_file", "execute_bash", "str_replace_editor", "think", "delete_file"])("%s is not guessed", (raw) => {
    expect(resolveToolName(raw, CHANGE_TOOLS)).toBeNull();
  });

  it("resolves only among the offered tools", () => {
    expect(resolveToolName("final_answer", CHANGE_TOOLS)).toBeNull();
    expect(resolveToolName("final_answer", QUESTION_TOOLS)).toBe("answer");
    expect(resolveToolName("edit", QUESTION_TOOLS)).toBeNull();
  });
});

describe("normalizeCallShape", () => {
  const normalize = (input: unknown) => normalizeCallShape(input, CHANGE_TOOLS);

  it("leaves a canonical call alone", () => {
    expect(normalize({ thought: "t", tool: "read_file", args: { path: "a.ts" } })).toEqual({
      value: { thought: "t", tool: "read_file", args: { path: "a.ts" } },
      interventions: [],
      notes: [],
    });
  });

  it("returns null when no tool can be made out", () => {
    expect(normalize({ path: "a.ts" })).toBeNull();
    expect(normalize("read_file")).toBeNull();
    expect(normalize([{ tool: "read_file" }])).toBeNull();
  });

  it("maps envelopes: OpenAI function, legacy function_call, thought aliases", () => {
    expect(normalize({ id: "call_1", type: "function", function: { name: "search", arguments: `{"pattern": "x"}` } })?.value).toEqual({ tool: "search", args: { pattern: "x" } });
    expect(normalize({ function_call: { name: "search", arguments: { query: "x" } } })?.value).toEqual({ tool: "search", args: { pattern: "x" } });
    expect(normalize({ reasoning: "why", tool: "run_tests" })).toMatchObject({ value: { thought: "why", tool: "run_tests", args: {} }, interventions: ["mapped_alias"] });
  });

  it("maps a scalar only to a tool's single argument", () => {
    expect(normalize({ tool: "read_file", args: "src/a.ts" })?.value).toEqual({ tool: "read_file", args: { path: "src/a.ts" } });
    expect(normalize({ tool: "list_files", args: "src" })?.value).toEqual({ tool: "list_files", args: { path: "src" } });
    const edit = normalize({ tool: "edit_file", args: "src/a.ts" });
    expect(edit?.error).toMatchObject({ code: "wrong_type", tool: "edit_file" });
    // Stringified args lose a missing brace, but an unterminated string inside is never closed by guess,
    // and a stringified object that does not parse is never taken for a path.
    expect(normalize({ tool: "read_file", args: `{"path": "a.ts"` })).toMatchObject({ value: { args: { path: "a.ts" } }, interventions: ["mapped_alias", "repaired_json"] });
    expect(normalize({ tool: "read_file", args: `{"path": "a.ts` })?.error).toMatchObject({ code: "wrong_type" });
    expect(normalize({ tool: "read_file", args: `{"path": print("a"), "x": print("b")}` })?.error).toMatchObject({ code: "wrong_type" });
  });

  it("drops null arguments (Python None) and reports missing required ones", () => {
    expect(normalize({ tool: "read_file", args: { path: "a", end_line: null } })?.value.args).toEqual({ path: "a" });
    expect(normalize({ tool: "read_file", args: { path: null } })?.value.args).toEqual({});
  });

  it("keeps arguments it cannot map, so validation names them", () => {
    expect(normalize({ tool: "write_file", args: { path: "a", content: "b", append: true } })?.value.args).toEqual({ path: "a", content: "b", append: true });
    // Two values for one argument: neither is picked.
    expect(normalize({ tool: "read_file", args: { path: "a.ts", file: "b.ts" } })?.value.args).toEqual({ path: "a.ts", file: "b.ts" });
  });

  it("maps ranges, numeric strings and ./ prefixes", () => {
    expect(normalize({ tool: "read_file", args: { path: "././a.ts", line_range: [5, 9] } })?.value.args).toEqual({ path: "a.ts", start_line: 5, end_line: 9 });
    expect(normalize({ tool: "read_file", args: { path: "a", start_line: "3", end_line: "7" } })?.value.args).toEqual({ path: "a", start_line: 3, end_line: 7 });
    expect(normalize({ tool: "read_file", args: { path: "a", view_range: [40, -1] } })?.value.args).toEqual({ path: "a", start_line: 40 });
  });

  it("dispatches OpenHands' editor by command, and refuses commands without a tool", () => {
    expect(normalize({ name: "str_replace_editor", arguments: { command: "create", path: "a.py", file_text: "x" } })?.value).toEqual({ tool: "write_file", args: { path: "a.py", content: "x" } });
    expect(normalize({ name: "file_editor", arguments: { command: "view", path: "a.py" } })?.value).toEqual({ tool: "read_file", args: { path: "a.py" } });
    expect(normalize({ name: "str_replace_editor", arguments: { command: "undo_edit", path: "a.py" } })?.error).toMatchObject({ code: "unknown_tool" });
    expect(normalize({ name: "str_replace_editor", arguments: { path: "a.py" } })?.error).toMatchObject({ code: "unknown_tool" });
  });

  it("refuses an object naming two different tools", () => {
    expect(normalize({ tool: "read_file", action: "search", args: {} })?.error).toMatchObject({ code: "multiple" });
    // The same tool twice is not ambiguous.
    expect(normalize({ tool: "read_file", name: "read_file", args: { path: "a" } })?.error).toBeUndefined();
  });

  it("does not strip fences (that happens after validation)", () => {
    expect(normalize({ tool: "write_file", args: { path: "a.ts", content: `${F}\nx\n${F}` } })?.value.args.content).toBe(`${F}\nx\n${F}`);
  });
});

describe("stripOuterFence", () => {
  it("strips exactly one fence around the whole text, keeping a final newline", () => {
    expect(stripOuterFence(`${F}ts\nconst a = 1;\n${F}\n`)).toBe("const a = 1;\n");
    expect(stripOuterFence(`~~~\na\n~~~`)).toBe("a");
    expect(stripOuterFence(`${F}md\n${F}js\nx\n${F}\n${F}`)).toBe(`${F}js\nx\n${F}`);
  });

  it("leaves text that is not entirely one fenced block", () => {
    expect(stripOuterFence(`intro\n${F}\nx\n${F}`)).toBe(`intro\n${F}\nx\n${F}`);
    expect(stripOuterFence(`${F}\nx\n${F}\nmore`)).toBe(`${F}\nx\n${F}\nmore`);
  });
});
