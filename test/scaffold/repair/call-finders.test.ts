import { describe, expect, it } from "vitest";
import { CHANGE_TOOLS } from "../../../src/protocol/tool-schemas.js";
import { findFamilyCalls } from "../../../src/scaffold/repair/find-family-calls.js";
import { findGemmaCalls } from "../../../src/scaffold/repair/find-gemma-calls.js";
import { findHarmonyCalls } from "../../../src/scaffold/repair/find-harmony-calls.js";
import { normalizeMetaspaces } from "../../../src/scaffold/repair/normalize-metaspaces.js";
import { normalizeNearShapes } from "../../../src/scaffold/repair/normalize-near-shapes.js";
import { parseToolReply } from "../../../src/scaffold/repair/parse-tool-reply.js";
import { readGemmaArgs } from "../../../src/scaffold/repair/read-gemma-args.js";

const Q = `<|"|>`;
const parse = (content: string, doneReason?: string) => parseToolReply({ reply: doneReason ? { content, doneReason } : { content }, tools: CHANGE_TOOLS, repair: true });

describe("call-syntax finders do not read prose as calls", () => {
  it.each([
    ["an HTML line break and a div", `Use <br/> here and <div class="note">hi</div> there.`],
    ["a tag named like an alias in prose", `The <final> answer is in the <done> state.`],
    ["`to=` in ordinary text", `Set proto=tcp and redirect_to=home.`],
    ["a tool result header, which is addressed to the assistant", `<|start|>functions.read_file to=assistant<|channel|>commentary<|message|>{"ok": true}<|end|>`],
    ["a word ending in call:", `We recall:foo{x:1} from the notes.`],
    ["a brace after a name without a marker", `function read_file() { return 1; }`],
    ["an element naming no tool", `<command><run_command><command>ls</command></run_command></command>`],
  ])("%s", (_name, text) => {
    expect(findFamilyCalls(text)).toEqual([]);
  });

  it("a JSON call after prose with `to=` in it is still the call", () => {
    expect(parse(`I set proto=tcp first. {"tool": "read_file", "args": {"path": "a.ts"}}`)).toMatchObject({ ok: true, call: { tool: "read_file", args: { path: "a.ts" } } });
  });

  it("call syntax inside a JSON string is file content, not a call", () => {
    const content = `<|tool_call>call:run_tests{}<tool_call|> and <read_file path="x" /> and [TOOL_CALLS]search[ARGS]{"pattern": "y"}`;
    const result = parse(`Writing it: ${JSON.stringify({ tool: "write_file", args: { path: "docs/formats.md", content } })}`);
    expect(result).toMatchObject({ ok: true, call: { tool: "write_file", args: { path: "docs/formats.md", content } }, families: [] });
  });
});

describe("the families' readings", () => {
  it("Harmony: an empty message is a call without arguments; prose where the JSON belongs is a problem", () => {
    expect(findHarmonyCalls(`<|channel|>commentary to=functions.run_tests <|constrain|>json<|message|><|call|>`)[0]).toMatchObject({ name: "run_tests", args: {}, repaired: false });
    expect(findHarmonyCalls(`<|channel|>commentary to=functions.search<|message|>find parseDate<|call|>`)[0]).toMatchObject({ args: null, problem: expect.stringContaining("JSON") });
  });

  it("Gemma: canonical calls are not repaired, drifts are", () => {
    expect(findGemmaCalls(`<|tool_call>call:read_file{path:${Q}a.ts${Q}}<tool_call|>`)[0]).toMatchObject({ args: { path: "a.ts" }, repaired: false });
    expect(findGemmaCalls(`<|tool_call>call:read_file{path:${Q}a.ts${Q}}<turn|>`)[0]).toMatchObject({ args: { path: "a.ts" }, repaired: true });
    // A string that is not closed before the close token is not guessed.
    expect(findGemmaCalls(`<|tool_call>call:read_file{path:${Q}a.ts}<tool_call|>`)[0]).toMatchObject({ args: null, truncated: false, problem: expect.stringContaining("not closed") });
  });

  it("Gemma arguments: nested values, arrays, apostrophes in single quotes, a value missing its opening delimiter", () => {
    expect(readGemmaArgs(`n:{inner:${Q}v${Q}},list:[${Q}a${Q},${Q}b${Q}],k:3,f:false}`, "}")).toMatchObject({ args: { n: { inner: "v" }, list: ["a", "b"], k: 3, f: false }, repaired: false });
    expect(readGemmaArgs(`summary:'the parser's bug is fixed'}`, "}").args).toEqual({ summary: "the parser's bug is fixed" });
    expect(readGemmaArgs(`path:src/a.ts,content:${Q}x${Q}}`, "}").args).toEqual({ path: "src/a.ts", content: "x" });
    expect(readGemmaArgs(`path:${Q}a.ts`, "}")).toMatchObject({ args: null, truncated: true });
  });

  it("XML tool elements map aliases of their argument elements and never guess a text body", () => {
    expect(parse(`<edit_file><path>a.ts</path><search>a > b</search><replace>a >= b</replace></edit_file>`)).toMatchObject({
      ok: true,
      call: { tool: "edit_file", args: { path: "a.ts", old_text: "a > b", new_text: "a >= b" } },
    });
    expect(parse(`<edit_file>a >= b</edit_file>`)).toMatchObject({ ok: false, error: { code: "invalid_json", message: expect.stringContaining("could be any of path, old_text, new_text") } });
  });

  it("meta-spaces are decoded only where they stand between JSON tokens", () => {
    expect(normalizeMetaspaces(`{"pattern": "x▁y"}`)).toMatchObject({ changed: false });
    expect(normalizeMetaspaces(`{"a":▁"x▁y"}`)).toEqual({ text: `{"a": "x y"}`, changed: true, family: "SentencePiece ▁ meta-spaces" });
  });

  it("near shapes: a trimmed key never overwrites one that exists; JSON-RPC unwraps", () => {
    expect(normalizeNearShapes({ tool: "x", args: { path: "a", " path": "b" } }).value).toEqual({ tool: "x", args: { path: "a", " path": "b" } });
    expect(normalizeNearShapes({ jsonrpc: "2.0", id: 1, method: "search", params: { pattern: "p" } })).toEqual({ value: { name: "search", arguments: { pattern: "p" } }, families: ["JSON-RPC envelope"] });
    expect(normalizeNearShapes({ method: "GET", url: "/x" }).families).toEqual([]);
  });

  it("a string left open when the model stopped by itself is a missing quote, not a cut-off", () => {
    const text = `{"tool": "finish", "args": {"summary": "done}}`;
    expect(parse(text, "stop")).toMatchObject({ ok: false, error: { code: "invalid_json", message: expect.stringContaining("double quote is missing") } });
    expect(parse(text)).toMatchObject({ ok: false, error: { code: "truncated" } });
  });
});

describe("tool elements", () => {
  it("an attribute called name is an argument of a tool element, not the tool", () => {
    expect(parse(`<search pattern="parseDate" name="x" />`)).toMatchObject({ ok: false, error: { code: "unexpected_arg", tool: "search", message: expect.stringContaining(`"name"`) } });
  });
});
