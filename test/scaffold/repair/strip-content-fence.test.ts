import { describe, expect, it } from "vitest";
import { stripContentFence } from "../../../src/scaffold/repair/strip-content-fence.js";

const F = "```";

describe("stripContentFence", () => {
  it("strips write_file content unless the target is markdown or text", () => {
    expect(stripContentFence({ tool: "write_file", args: { path: "a.py", content: `${F}python\nx = 1\n${F}\n` } }).call).toEqual({
      tool: "write_file",
      args: { path: "a.py", content: "x = 1\n" },
    });
    for (const path of ["README.md", "docs/a.mdx", "notes.txt", "index.rst"]) {
      const call = { tool: "write_file" as const, args: { path, content: `${F}\nx\n${F}\n` } };
      expect(stripContentFence(call)).toEqual({ call, note: null });
    }
  });

  it("strips edit_file new_text only when old_text is not fenced itself", () => {
    expect(stripContentFence({ tool: "edit_file", args: { path: "a.ts", old_text: "a", new_text: `${F}\nb\n${F}` } }).call.args).toMatchObject({ new_text: "b" });
    const fenced = { tool: "edit_file" as const, args: { path: "a.ts", old_text: `${F}\na\n${F}`, new_text: `${F}\nb\n${F}` } };
    expect(stripContentFence(fenced)).toEqual({ call: fenced, note: null });
  });

  it("leaves other tools and unfenced content alone", () => {
    const call = { tool: "finish" as const, args: { summary: `${F}\nx\n${F}` } };
    expect(stripContentFence(call)).toEqual({ call, note: null });
    const plain = { tool: "write_file" as const, args: { path: "a.ts", content: "x\n" } };
    expect(stripContentFence(plain)).toEqual({ call: plain, note: null });
  });
});
