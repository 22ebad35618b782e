import { describe, expect, it } from "vitest";
import { parsePythonCalls } from "../../../src/scaffold/repair/parse-python-calls.js";

const tools = (name: string) => ["read_file", "write_file", "search"].includes(name);

describe("parsePythonCalls", () => {
  it("reads keyword calls with Python literals, bracketed or not", () => {
    expect(parsePythonCalls(`[read_file(path='a.py', start_line=3, end_line=None)]`, tools)).toEqual({
      calls: [{ name: "read_file", args: { path: "a.py", start_line: 3, end_line: null } }],
      truncated: false,
    });
    expect(parsePythonCalls(`search(pattern="x, y")\nread_file(path="b")`, tools)?.calls).toHaveLength(2);
  });

  it("reads triple-quoted strings and escapes", () => {
    const parsed = parsePythonCalls(`write_file(path="a.py", content="""def f():\n    return 'it\\'s'\n""")`, tools);
    expect(parsed?.calls[0]?.args).toEqual({ path: "a.py", content: "def f():\n    return 'it's'\n" });
  });

  it("returns a single positional literal as a scalar", () => {
    expect(parsePythonCalls(`search("parseDate")`, tools)?.calls[0]?.args).toBe("parseDate");
  });

  it("refuses names that are not tools, expressions, and prose", () => {
    expect(parsePythonCalls(`print("hi")`, tools)).toBeNull();
    expect(parsePythonCalls(`read_file(path=os.path.join("a", "b"))`, tools)).toBeNull();
    expect(parsePythonCalls(`read_file("a", "b")`, tools)).toBeNull();
    expect(parsePythonCalls(`I will call read_file(path="a") now`, tools)).toBeNull();
  });

  it("flags a call cut off inside a string or the argument list", () => {
    expect(parsePythonCalls(`write_file(path="a.py", content="""def f():`, tools)).toEqual({ calls: [], truncated: true });
    expect(parsePythonCalls(`read_file(path="a.py", `, tools)).toEqual({ calls: [], truncated: true });
  });
});
