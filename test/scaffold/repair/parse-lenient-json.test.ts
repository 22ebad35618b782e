import { describe, expect, it } from "vitest";
import { parseLenientJson } from "../../../src/scaffold/repair/parse-lenient-json.js";

describe("parseLenientJson", () => {
  it("parses valid JSON without marking it repaired", () => {
    expect(parseLenientJson(`{"a": "it's"}`)).toEqual({ ok: true, value: { a: "it's" }, repaired: false });
  });

  it.each([
    ["single quotes and Python literals", `{'a': 'x', 'b': True, 'c': None}`, { a: "x", b: true, c: null }],
    ["trailing commas", `{"a": [1, 2,], "b": "x",}`, { a: [1, 2], b: "x" }],
    ["comments", `{"a": 1, // one\n /* two */ "b": 2}`, { a: 1, b: 2 }],
    ["a missing closing brace", `{"a": {"b": "c"}`, { a: { b: "c" } }],
    ["literal \\n between tokens", `{"a": \\n[1, 2]\\n\\n}`, { a: [1, 2] }],
    ["raw newlines inside a string", `{"a": "line 1\nline 2"}`, { a: "line 1\nline 2" }],
    ["an invalid escape", `{"a": "hello\\_world"}`, { a: "hello_world" }],
    ["an apostrophe inside a double-quoted Python value", `{'a': "it's fine"}`, { a: "it's fine" }],
  ])("repairs %s", (_, input, value) => {
    expect(parseLenientJson(input)).toEqual({ ok: true, value, repaired: true });
  });

  it("keeps a literal \\n inside a string", () => {
    expect(parseLenientJson(`{'a': 'x\\ny'}`)).toEqual({ ok: true, value: { a: "x\ny" }, repaired: true });
  });

  it("refuses a repair that would change a string's text", () => {
    // jsonrepair reads this as "the parser\"s bug": a guess, not a syntax fix.
    expect(parseLenientJson(`{'summary': 'the parser's bug'}`)).toMatchObject({ ok: false, reason: "changed_content" });
  });

  it("reports text it cannot read at all", () => {
    expect(parseLenientJson(`{"a": "print("hi")", "b": "print("bye")"}`)).toMatchObject({ ok: false, reason: "unparseable" });
  });
});

describe("parseLenientJson refuses code where a value should be", () => {
  it("does not let jsonrepair unwrap a call into its argument", () => {
    expect(parseLenientJson(`{"old_text": print("a"), "new_text": print("b")}`)).toMatchObject({ ok: false, reason: "unparseable" });
  });

  it("still accepts a call-like text inside a string", () => {
    expect(parseLenientJson(`{'a': 'print("x")',}`)).toEqual({ ok: true, value: { a: `print("x")` }, repaired: true });
  });
});
