import { describe, expect, it } from "vitest";
import { scanJsonObjects } from "../../../src/scaffold/repair/scan-json-objects.js";

describe("scanJsonObjects", () => {
  it("finds top-level objects in prose and skips braces inside strings", () => {
    const found = scanJsonObjects(`Sure. {"a": "x } y"} and then {"b": {"c": 1}} done`);
    expect(found.map((o) => o.text)).toEqual([`{"a": "x } y"}`, `{"b": {"c": 1}}`]);
    expect(found.every((o) => !o.unclosed && !o.unterminatedString)).toBe(true);
  });

  it("reads Python dicts, but an apostrophe in a word does not open a string", () => {
    const [object] = scanJsonObjects(`I don't know: {'tool': 'finish', 'args': {'summary': "it's done"}}`);
    expect(object?.text).toBe(`{'tool': 'finish', 'args': {'summary': "it's done"}}`);
  });

  it("reports a cut-off object and whether it ended inside a string", () => {
    expect(scanJsonObjects(`{"tool": "write_file", "args": {"content": "abc`)).toEqual([
      { text: `{"tool": "write_file", "args": {"content": "abc`, start: 0, unclosed: true, unterminatedString: true },
    ]);
    expect(scanJsonObjects(`{"tool": "read_file", "args": {"path": "a"}`)[0]).toMatchObject({ unclosed: true, unterminatedString: false });
  });

  it("skips a stray brace in prose instead of swallowing the call after it", () => {
    const found = scanJsonObjects(`The block \`if (x) {\` is wrong. {"tool": "read_file"}`);
    expect(found.map((o) => o.text)).toEqual([`{"tool": "read_file"}`]);
  });

  it("accepts objects that start with comments, unquoted keys, literal \\n or are empty", () => {
    expect(scanJsonObjects(`{ // note\n "a": 1}`)).toHaveLength(1);
    expect(scanJsonObjects(`{tool: "x"}`)).toHaveLength(1);
    expect(scanJsonObjects(`{\\n"a": 1}`)).toHaveLength(1);
    expect(scanJsonObjects(`{}`)).toHaveLength(1);
    expect(scanJsonObjects(`function f() { return 1; }`)).toHaveLength(0);
  });
});
