import { describe, expect, it } from "vitest";
import { findTaggedCalls } from "../../../src/scaffold/repair/find-tagged-calls.js";

const F = "```";

describe("findTaggedCalls", () => {
  it("reads OpenHands XML calls, dropping one newline around each value", () => {
    const [call] = findTaggedCalls(`Let me fix it:\n<function=edit_file>\n<parameter=path>a.py</parameter>\n<parameter=old_text>\n  x = 1\n\n</parameter>\n</function>`);
    expect(call).toMatchObject({ name: "edit_file", args: { path: "a.py", old_text: "  x = 1\n" }, truncated: false });
  });

  it("tolerates missing </parameter> and </function>, and the <parameter=k=v form", () => {
    expect(findTaggedCalls(`<function=write_file><parameter=path> t.txt\n<parameter=content>hi\n`)[0]?.args).toEqual({ path: " t.txt", content: "hi" });
    expect(findTaggedCalls(`<function=read_file>\n<parameter=path=src/a.ts</parameter>\n</function>`)[0]?.args).toEqual({ path: "src/a.ts" });
  });

  it("ends a call at </tool_call> or the next <function=", () => {
    const calls = findTaggedCalls(`<tool_call><function=read_file><parameter=path>a</parameter></tool_call><tool_call><function=search><parameter=pattern>b</parameter>`);
    expect(calls.map((c) => [c.name, c.args])).toEqual([["read_file", { path: "a" }], ["search", { pattern: "b" }]]);
  });

  it("reads a JSON body (Llama 3.1) and flags one that was cut off", () => {
    expect(findTaggedCalls(`<function=read_file>{"path": "a.ts"}</function>`)[0]).toMatchObject({ args: { path: "a.ts" }, repaired: false });
    expect(findTaggedCalls(`<function=read_file>{'path': 'a.ts'}</function>`)[0]).toMatchObject({ args: { path: "a.ts" }, repaired: true });
    expect(findTaggedCalls(`<function=write_file>{"path": "a.ts", "content": "x`)[0]).toMatchObject({ args: null, truncated: true });
  });

  it("reads invoke/parameter name= tags", () => {
    expect(findTaggedCalls(`<invoke name="search"><parameter name="pattern">TODO</parameter></invoke>`)[0]).toMatchObject({ name: "search", args: { pattern: "TODO" } });
  });

  it("reads DeepSeek tool-call tokens with fenced arguments", () => {
    const text = `<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>search\n${F}json\n{"pattern": "x"}\n${F}<｜tool▁call▁end｜><｜tool▁calls▁end｜>`;
    expect(findTaggedCalls(text)).toMatchObject([{ name: "search", args: { pattern: "x" }, truncated: false }]);
  });

  it("finds nothing in plain prose or JSON", () => {
    expect(findTaggedCalls(`I will call read_file next. {"tool": "read_file"}`)).toEqual([]);
  });
});
