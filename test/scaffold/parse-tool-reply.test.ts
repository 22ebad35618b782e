import { describe, expect, it } from "vitest";
import { CHANGE_TOOLS, QUESTION_TOOLS, type ToolCall, type ToolName } from "../../src/protocol/tool-schemas.js";
import type { Intervention } from "../../src/report/report-schema.js";
import { exampleCall } from "../../src/protocol/example-call.js";
import { parseToolReply } from "../../src/scaffold/repair/parse-tool-reply.js";
import type { ReplyInput } from "../../src/scaffold/repair/parsed-reply.js";
import type { ReplyErrorCode } from "../../src/scaffold/repair/validate-call.js";

/**
 * A corpus of raw replies as small local models really write them, each with the peer issue,
 * PR or source file where the shape was seen (`source`). Every case is run twice: with repair
 * (the exact call, `rawValid`, the exact interventions and notes, or the exact error) and without
 * (only strict-valid replies and native tool_calls may pass).
 */

const F = "```";

interface Accepted {
  ok: true;
  call: ToolCall;
  rawValid: boolean;
  interventions: Intervention[];
  /** One pattern per note, in order; no notes when absent. */
  notes?: RegExp[];
  /** What the strict path returns when it differs from `call` (a fence repair only strips). */
  strictCall?: ToolCall;
}

interface Rejected {
  ok: false;
  code: ReplyErrorCode;
  /** Substrings the message must contain: the field or tool it is about. */
  mentions: string[];
  /** The tool whose example call the message must show. */
  example: ToolName;
  interventions: Intervention[];
}

interface Case {
  name: string;
  /** Where this shape was seen. */
  source: string;
  reply: ReplyInput;
  tools?: readonly ToolName[];
  expected: Accepted | Rejected;
}

const accept = (call: ToolCall, rawValid: boolean, interventions: Intervention[], notes: RegExp[] = []): Accepted => ({
  ok: true,
  call,
  rawValid,
  interventions,
  notes,
});
const reject = (code: ReplyErrorCode, mentions: string[], example: ToolName, interventions: Intervention[] = []): Rejected => ({
  ok: false,
  code,
  mentions,
  example,
  interventions,
});
const text = (content: string, doneReason?: string): ReplyInput => (doneReason === undefined ? { content } : { content, doneReason });
const native = (...calls: { name: string; arguments: unknown }[]): ReplyInput => ({ content: "", toolCalls: calls.map((call) => ({ function: call })) });

const READ: ToolCall = { tool: "read_file", args: { path: "src/parse.ts" } };
const READ_JSON = `{"tool": "read_file", "args": {"path": "src/parse.ts"}}`;

const CASES: Case[] = [
  // ── Strict replies: raw_valid, nothing to repair ─────────────────────────────────────────
  {
    name: "canonical call with thought",
    source: "DESIGN.md §3 tool protocol",
    reply: text(`{"thought": "Read the parser first.", "tool": "read_file", "args": {"path": "src/parse.ts", "start_line": 1, "end_line": 40}}`),
    expected: accept({ thought: "Read the parser first.", tool: "read_file", args: { path: "src/parse.ts", start_line: 1, end_line: 40 } }, true, []),
  },
  {
    name: "pretty-printed canonical call",
    source: "selfagency/opilot#149 (qwen2.5-coder:7b prints calls over several lines)",
    reply: text(`{\n  "tool": "read_file",\n  "args": {\n    "path": "src/parse.ts"\n  }\n}\n`),
    expected: accept(READ, true, []),
  },
  {
    name: "native Ollama tool_calls",
    source: "ollama docs/api.md message.tool_calls (arguments is an object)",
    reply: native({ name: "read_file", arguments: { path: "src/parse.ts" } }),
    expected: accept(READ, true, []),
  },
  {
    name: "apostrophe inside a JSON string stays intact",
    source: "NousResearch/atropos#478 (a blanket ' → \" swap corrupts \"what's\")",
    reply: text(`{"tool": "search", "args": {"pattern": "what's new"}}`),
    expected: accept({ tool: "search", args: { pattern: "what's new" } }, true, []),
  },
  {
    name: "strict-valid write_file with the whole file fenced: fence stripped, still raw_valid",
    source: "aider website/docs/more/edit-formats.md (whole-file format trains models to fence files); contract: strip one outer fence",
    reply: text(`{"tool": "write_file", "args": {"path": "src/util.ts", "content": "${F}typescript\\nexport const one = 1;\\n${F}\\n"}}`),
    expected: {
      ...accept({ tool: "write_file", args: { path: "src/util.ts", content: "export const one = 1;\n" } }, true, ["stripped_fence"], [/fence around content was removed/]),
      strictCall: { tool: "write_file", args: { path: "src/util.ts", content: `${F}typescript\nexport const one = 1;\n${F}\n` } },
    },
  },
  {
    name: "markdown target keeps its fence",
    source: "contract: unless the target is a markdown file",
    reply: text(`{"tool": "write_file", "args": {"path": "docs/usage.md", "content": "${F}sh\\nnpm test\\n${F}\\n"}}`),
    expected: accept({ tool: "write_file", args: { path: "docs/usage.md", content: `${F}sh\nnpm test\n${F}\n` } }, true, []),
  },
  {
    name: "edit_file new_text fenced, old_text not: fence stripped",
    source: "contract: strip one outer fence from edit_file new_text",
    reply: text(`{"tool": "edit_file", "args": {"path": "src/a.py", "old_text": "return a > b", "new_text": "${F}python\\nreturn a >= b\\n${F}"}}`),
    expected: {
      ...accept({ tool: "edit_file", args: { path: "src/a.py", old_text: "return a > b", new_text: "return a >= b" } }, true, ["stripped_fence"], [/fence around new_text was removed/]),
      strictCall: { tool: "edit_file", args: { path: "src/a.py", old_text: "return a > b", new_text: `${F}python\nreturn a >= b\n${F}` } },
    },
  },
  {
    name: "edit_file whose old_text is fenced too: the file really holds the fence, kept",
    source: "never change meaning: a fenced old_text matched the file, so the new fence is intended",
    reply: text(`{"tool": "edit_file", "args": {"path": "src/doc.ts", "old_text": "${F}\\nold\\n${F}", "new_text": "${F}\\nnew\\n${F}"}}`),
    expected: accept({ tool: "edit_file", args: { path: "src/doc.ts", old_text: `${F}\nold\n${F}`, new_text: `${F}\nnew\n${F}` } }, true, []),
  },

  // ── §8.1 bare JSON in content, and the name/arguments family ──────────────────────────────
  {
    name: "qwen2.5-coder bare {name, arguments} in content",
    source: "ollama/ollama#12174 (qwen2.5-coder:14b: tool_calls null, content holds the JSON); Gitlawb/openclaude#433",
    reply: text(`{"name": "read_file", "arguments": {"path": "src/parse.ts"}}`),
    expected: accept(READ, false, ["mapped_alias"]),
  },
  {
    name: "qwen2.5-coder pretty-printed with a camelCase argument",
    source: "selfagency/opilot#149 ({\"name\": \"fetch_file_content\", \"arguments\": {\"filePath\": …}})",
    reply: text(`{\n"name": "read_file",\n"arguments": {\n"filePath": "./src/parse.ts"\n}\n}`),
    expected: accept(READ, false, ["mapped_alias"], [/"filePath" was read as "path"/]),
  },
  {
    name: "{name, parameters} (Llama 3.1 JSON tool calling)",
    source: "ollama tools/tools.go accepts `parameters`; meta-llama/llama-models#169",
    reply: text(`{"name": "search", "parameters": {"pattern": "parseDate"}}`),
    expected: accept({ tool: "search", args: { pattern: "parseDate" } }, false, ["mapped_alias"]),
  },
  {
    name: "Llama 3.1 <|python_tag|> with type/name/parameters",
    source: "meta-llama/llama-models#169 (<|python_tag|>{\"type\": \"function\", \"name\": …, \"parameters\": …}<|eom_id|>)",
    reply: text(`<|python_tag|>{"type": "function", "name": "read_file", "parameters": {"path": "src/parse.ts"}}<|eom_id|>`),
    expected: accept(READ, false, ["extracted_from_prose", "mapped_alias"]),
  },
  {
    name: "OpenAI-style object with stringified arguments",
    source: "g0t4/ask-openai.nvim lua/ask-openai/backends/sse_parse_notes.md (qwen2.5-coder via Ollama /v1: \"arguments\": \"{\\\"command\\\":…}\")",
    reply: text(`{"type": "function", "function": {"name": "read_file", "arguments": "{\\"path\\": \\"src/parse.ts\\"}"}}`),
    expected: accept(READ, false, ["mapped_alias"]),
  },
  {
    name: "stringified args under \"args\"",
    source: "ollama tools/tools.go (stringified arguments accepted); huggingface/smolagents#1003",
    reply: text(`{"tool": "read_file", "args": "{\\"path\\": \\"src/parse.ts\\"}"}`),
    expected: accept(READ, false, ["mapped_alias"]),
  },
  {
    name: "{toolName: {...}}",
    source: "ollama tools/tools.go (a single key naming the tool)",
    reply: text(`{"read_file": {"path": "src/parse.ts"}}`),
    expected: accept(READ, false, ["mapped_alias"]),
  },
  {
    name: "LangChain {action, action_input} in a broken ``json fence with prose after",
    source: "langchain-ai/langchain#1707 (noisy action/action_input JSON, two-backtick fence, text after)",
    reply: text(`Here's a response in the second format:\n\n\`\`json\n{\n    "action": "read_file",\n    "action_input": {"path": "src/parse.ts"}\n}\n\`\`\n\nRemember to check the tests afterwards.`),
    expected: accept(READ, false, ["extracted_from_prose", "mapped_alias"]),
  },
  {
    name: "LangChain action_input as a bare string for a one-argument tool",
    source: "langchain-ai/langchain#1707 (action_input is a string)",
    reply: text(`{"action": "search", "action_input": "parseDate"}`),
    expected: accept({ tool: "search", args: { pattern: "parseDate" } }, false, ["mapped_alias"], [/bare value was read as "pattern"/]),
  },
  {
    name: "LangChain \"Final Answer\" in a question task",
    source: "langchain-ai/langchain#1707 ({\"action\": \"Final Answer\", \"action_input\": \"…\"})",
    tools: QUESTION_TOOLS,
    reply: text(`{"action": "Final Answer", "action_input": "parseDate lives in src/date.ts."}`),
    expected: accept({ tool: "answer", args: { text: "parseDate lives in src/date.ts." } }, false, ["mapped_alias"], [/read as "answer"/, /bare value was read as "text"/]),
  },
  {
    name: "xLAM {\"tool_calls\": [...]} wrapper",
    source: "ollama tools/tools_test.go (xlam tool calls with wrapper object)",
    reply: text(`{"tool_calls": [{"name": "read_file", "arguments": {"path": "src/parse.ts"}}]}`),
    expected: accept(READ, false, ["mapped_alias"]),
  },
  {
    name: "over-escaped call (one level of JSON string escaping too many)",
    source: "digitalocean/langchain-gradient#31 (gpt-oss-20b over-escapes tool-call JSON)",
    reply: text(`{\\"tool\\": \\"read_file\\", \\"args\\": {\\"path\\": \\"src/parse.ts\\"}}`),
    expected: accept(READ, false, ["repaired_json"]),
  },

  // ── §8.2 fenced JSON, §8.3 prose around the call ──────────────────────────────────────────
  {
    name: "call in a ```json fence",
    source: "ardanlabs/kronk PR #950 (Qwen2.5-Coder-14B fences 5/5 calls at ~8k-token prompts)",
    reply: text(`${F}json\n${READ_JSON}\n${F}`),
    expected: accept(READ, false, ["stripped_fence"]),
  },
  {
    name: "fenced call with prose before and after",
    source: "mattn/tensai PR #180",
    reply: text(`I'll look at the parser first.\n\n${F}json\n${READ_JSON}\n${F}\n\nThis shows me how dates are split.`),
    expected: accept(READ, false, ["stripped_fence", "extracted_from_prose"]),
  },
  {
    name: "prose before a bare call",
    source: "jordanjalles/jetbox analysis/JSON_PARSING_FIX_ANALYSIS.md (gpt-oss:20b: \"We wrote the file. Need to create tests.{…}\")",
    reply: text(`We read the parser. Need to check the tests.${`{"tool": "read_file", "args": {"path": "test/parse.test.ts"}}`}`),
    expected: accept({ tool: "read_file", args: { path: "test/parse.test.ts" } }, false, ["extracted_from_prose"]),
  },
  {
    name: "a stray brace in prose does not swallow the call",
    source: "ollama tools/tools.go findArguments (naive brace counting); scanner must skip non-object braces",
    reply: text(`The block \`if (a > b) {\` drops equal dates, so I'll read it.\n${READ_JSON}`),
    expected: accept(READ, false, ["extracted_from_prose"]),
  },
  {
    name: "extra closing brace after the call",
    source: "yigit353/langchain-qwq#30 (args contain an extra closing curly brace)",
    reply: text(`${READ_JSON}}`),
    expected: accept(READ, false, ["extracted_from_prose"]),
  },
  {
    name: "prose-only fenced code, then the call",
    source: "SWE-agent ThoughtActionParser docstring (discussion plus code blocks before the action)",
    reply: text(`The fix:\n${F}python\ndef f():\n    return 1\n${F}\n{"tool": "run_tests", "args": {}}`),
    expected: accept({ tool: "run_tests", args: {} }, false, ["extracted_from_prose"]),
  },

  // ── Tagged calls: Hermes, XML, DeepSeek, wrappers ─────────────────────────────────────────
  {
    name: "Hermes <tool_call> with name/arguments",
    source: "ollama tools/tools_test.go (qwen2.5 single tool call with prefix); browser-use/browser-use#158",
    reply: text(`<tool_call>\n{"name": "read_file", "arguments": {"path": "src/parse.ts"}}\n</tool_call>`),
    expected: accept(READ, false, ["extracted_from_prose", "mapped_alias"]),
  },
  {
    name: "<tool_call> without closing tag, several calls: first runs, rest dropped",
    source: "ggml-org/llama.cpp#12153 (Qwen2.5-7B-Instruct-1M omits </tool_call>, ~30% pass)",
    reply: text(`<tool_call>\n{"name": "read_file", "arguments": {"path": "src/parse.ts"}}\n<tool_call>\n{"name": "run_tests", "arguments": {}}\n</tool_call>\n`),
    expected: accept(READ, false, ["extracted_from_prose", "mapped_alias"], [/1 more was dropped/]),
  },
  {
    name: "Mistral [TOOL_CALLS] list",
    source: "ollama tools/tools_test.go (mistral valid json with tool calls prefix)",
    reply: text(`[TOOL_CALLS]  [{"name": "read_file", "arguments": {"path": "src/parse.ts"}}]`),
    expected: accept(READ, false, ["extracted_from_prose", "mapped_alias"]),
  },
  {
    name: "Granite 3 <|tool_call|> list",
    source: "vllm-project/vllm PR #44713 (Granite 3.0/3.1: optional <|tool_call|> marker then a JSON array)",
    reply: text(`<|tool_call|>[{"name": "search", "arguments": {"pattern": "parseDate", "path": "src"}}]`),
    expected: accept({ tool: "search", args: { pattern: "parseDate", path: "src" } }, false, ["extracted_from_prose", "mapped_alias"]),
  },
  {
    name: "Command R+ \"Action:\" fenced list with tool_name/parameters",
    source: "ollama tools/tools_test.go (command r plus tool calls with json block format)",
    reply: text(`Action: ${F}json\n[\n    {\n        "tool_name": "read_file",\n        "parameters": {"path": "src/parse.ts"}\n    }\n]\n${F}`),
    expected: accept(READ, false, ["stripped_fence", "extracted_from_prose", "mapped_alias"]),
  },
  {
    name: "qwen2.5-coder <function>{json}</function> wrapper",
    source: "ardanlabs/kronk#944 (Qwen2.5-Coder-7B: <function>\\n{\"name\": …}\\n</function>)",
    reply: text(`<function>\n{"name": "read_file", "arguments": {"path": "src/parse.ts"}}\n</function>`),
    expected: accept(READ, false, ["extracted_from_prose", "mapped_alias"]),
  },
  {
    name: "qwen2.5-coder <tools> opener with a wrong closer",
    source: "ardanlabs/kronk#944 (<tools> {json} </tool)",
    reply: text(`<tools> {"name": "read_file", "arguments": {"path": "src/parse.ts"}} </tool`),
    expected: accept(READ, false, ["extracted_from_prose", "mapped_alias"]),
  },
  {
    name: "OpenHands XML <function=edit_file><parameter=…>",
    source: "All-Hands-AI/OpenHands openhands/llm/fn_call_converter.py (prompted function calling)",
    reply: text(`Let me fix the comparison:\n<function=edit_file>\n<parameter=path>src/date.py</parameter>\n<parameter=old_text>\nif a > b:\n</parameter>\n<parameter=new_text>\nif a >= b:\n</parameter>\n</function>`),
    expected: accept({ tool: "edit_file", args: { path: "src/date.py", old_text: "if a > b:", new_text: "if a >= b:" } }, false, ["extracted_from_prose"]),
  },
  {
    name: "XML call cut at the </function stop word",
    source: "OpenHands fn_call_converter.py _fix_stopword (STOP_WORDS = ['</function'])",
    reply: text(`<function=finish>\n<parameter=summary>Fixed the off-by-one in parseDate.</parameter>\n</`),
    expected: accept({ tool: "finish", args: { summary: "Fixed the off-by-one in parseDate." } }, false, ["extracted_from_prose"]),
  },
  {
    name: "malformed <parameter=name=value</parameter>",
    source: "OpenHands fn_call_converter.py _normalize_parameter_tags (<parameter=command=str_replace</parameter>)",
    reply: text(`<function=read_file>\n<parameter=path=src/parse.ts</parameter>\n</function>`),
    expected: accept(READ, false, ["extracted_from_prose"]),
  },
  {
    name: "prose, then an XML call with no closing tags and foreign names",
    source: "continuedev/continue#13057 (\"I'll create…\" then <function=create_new_file><parameter=filepath> test.txt, nothing closed)",
    reply: text(`I'll create a new file called test.txt.\n<function=create_file><parameter=filepath> test.txt\n<parameter=contents>hello world\n`),
    expected: accept({ tool: "write_file", args: { path: "test.txt", content: "hello world" } }, false, ["extracted_from_prose", "mapped_alias"], [
      /"create_file" was read as "write_file"/,
      /"filepath" was read as "path"/,
      /"contents" was read as "content"/,
    ]),
  },
  {
    name: "Qwen3-Coder <tool_call><function=…> with newline-wrapped values",
    source: "ggml-org/llama.cpp#24644 and pwilkin/llama.cpp#9 (Qwen3-Coder XML tool calls)",
    reply: text(`<tool_call>\n<function=write_file>\n<parameter=path>\nsrc/one.ts\n</parameter>\n<parameter=content>\nexport const one = 1;\n\n</parameter>\n</function>\n</tool_call>`),
    expected: accept({ tool: "write_file", args: { path: "src/one.ts", content: "export const one = 1;\n" } }, false, ["extracted_from_prose"]),
  },
  {
    name: "OpenHands str_replace_editor str_replace, mapped by its command",
    source: "OpenHands fn_call_converter.py TOOL_EXAMPLES edit_file (str_replace_editor with command/old_str/new_str)",
    reply: text(`<function=str_replace_editor>\n<parameter=command>str_replace</parameter>\n<parameter=path>src/app.py</parameter>\n<parameter=old_str>return str(numbers)</parameter>\n<parameter=new_str>return ", ".join(map(str, numbers))</parameter>\n</function>`),
    expected: accept({ tool: "edit_file", args: { path: "src/app.py", old_text: "return str(numbers)", new_text: `return ", ".join(map(str, numbers))` } }, false, ["extracted_from_prose", "mapped_alias"], [
      /with command "str_replace" was read as edit_file/,
      /"old_str" was read as "old_text"/,
      /"new_str" was read as "new_text"/,
    ]),
  },
  {
    name: "Llama 3.1 <function=name>{json}</function>",
    source: "meta-llama/llama-models#169 (<function=trending_songs>{\"n\": 10}</function>)",
    reply: text(`<function=read_file>{"path": "src/parse.ts", "start_line": 10}</function>`),
    expected: accept({ tool: "read_file", args: { path: "src/parse.ts", start_line: 10 } }, false, ["extracted_from_prose"]),
  },
  {
    name: "DeepSeek tool-call tokens with fenced JSON arguments",
    source: "ollama tools/deepseek_tools_test.go",
    reply: text(`<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>read_file\n${F}json\n{"path": "src/parse.ts"}\n${F}<｜tool▁call▁end｜><｜tool▁calls▁end｜>`),
    expected: accept(READ, false, ["extracted_from_prose"]),
  },
  {
    name: "Llama 3.2 pythonic call list",
    source: "meta-llama/llama-models#169 ([func1(params_name=params_value, …)])",
    reply: text(`[read_file(path="src/parse.ts", start_line=1, end_line=20)]`),
    expected: accept({ tool: "read_file", args: { path: "src/parse.ts", start_line: 1, end_line: 20 } }, false, ["extracted_from_prose"]),
  },
  {
    name: "Gemma ```tool_code block with a positional argument",
    source: "waybarrios/vllm-mlx PR #622 (```tool_code\\nget_weather(city=\"Tokyo\")); andrewyng/aisuite PR #339",
    reply: text(`${F}tool_code\nsearch("parseDate")\n${F}`),
    expected: accept({ tool: "search", args: { pattern: "parseDate" } }, false, ["stripped_fence", "extracted_from_prose", "mapped_alias"], [/bare value was read as "pattern"/]),
  },
  {
    name: "ordinary Python in a fence is not a call",
    source: "unslothai/unsloth PR #11153 (code examples must not run as calls)",
    reply: text(`You could do it like this:\n${F}python\nprint(read_file)\n${F}`),
    expected: reject("no_call", ["has no tool call", "finish"], "read_file"),
  },

  // ── §8.5 calls inside <think> ─────────────────────────────────────────────────────────────
  {
    name: "the only call is inside <think>",
    source: "ggml-org/llama.cpp PR #23678 and vllm-project/vllm PR #55759 (Qwen3.5 emits tool calls inside <think>)",
    reply: text(`<think>\nThe user wants the date parser fixed. I should read it first.\n${READ_JSON}\n</think>`),
    expected: accept(READ, false, ["extracted_from_prose"]),
  },
  {
    name: "<tool_call> inside an unclosed <think>",
    source: "waybarrios/vllm-mlx PR #433 (unclosed <tool_call> blocks spanning </think>)",
    reply: text(`<think>\nI need the parser.\n<tool_call>\n{"name": "read_file", "arguments": {"path": "src/parse.ts"}}`),
    expected: accept(READ, false, ["extracted_from_prose", "mapped_alias"]),
  },
  {
    name: "a draft inside <think> loses to the real call outside, and is not counted as dropped",
    source: "PrimeIntellect-ai/renderers PR #80; tetherto/qvac PR #1316 (in-think drafts caused phantom duplicates)",
    reply: text(`<think>\nMaybe {"tool": "list_files", "args": {}} first? No, read it.\n</think>\n${READ_JSON}`),
    expected: accept(READ, false, ["extracted_from_prose"]),
  },
  {
    name: "DeepSeek-R1 distill reply with only the closing </think>",
    source: "ggml-org/llama.cpp#11861, vllm-project/vllm#13125, deepseek-ai/DeepSeek-R1#352 (the template opens <think>, replies carry only </think>)",
    reply: text(`The user wants the parser.\n</think>\n\n${READ_JSON}`),
    expected: accept(READ, false, ["extracted_from_prose"]),
  },

  // ── §8.6 Python dicts, §8.7 JSON syntax slips, §8.9 literal \n ────────────────────────────
  {
    name: "Python dict with None for an optional argument",
    source: "ml-explore/mlx-lm PR #945; waybarrios/vllm-mlx#63 (single quotes, True/False/None)",
    reply: text(`{'tool': 'read_file', 'args': {'path': 'src/parse.py', 'start_line': None}}`),
    expected: accept({ tool: "read_file", args: { path: "src/parse.py" } }, false, ["repaired_json", "mapped_alias"]),
  },
  {
    name: "Python repr: apostrophes inside double-quoted values survive",
    source: "NousResearch/atropos PR #479 (parse Python dicts without corrupting apostrophes)",
    reply: text(`{'tool': 'finish', 'args': {'summary': "Fixed the parser's off-by-one; it's covered by a test now."}}`),
    expected: accept({ tool: "finish", args: { summary: "Fixed the parser's off-by-one; it's covered by a test now." } }, false, ["repaired_json"]),
  },
  {
    name: "single-quoted value with an unescaped apostrophe: ambiguous, refused",
    source: "NousResearch/atropos#478; jsonrepair would turn parser's into parser\"s",
    reply: text(`{'tool': 'finish', 'args': {'summary': 'Fixed the parser's off-by-one'}}`),
    expected: reject("invalid_json", ["changing a string", "double quotes"], "read_file"),
  },
  {
    name: "Python True for an argument the tool does not have: named, not dropped",
    source: "mialso in cubist38/mlx-openai-server PR #124 (single-quoted args); SWE-agent unexpected_arg",
    reply: text(`{'tool': 'list_files', 'args': {'path': 'src', 'recursive': True}}`),
    expected: reject("unexpected_arg", [`"recursive"`, "list_files"], "list_files", ["repaired_json"]),
  },
  {
    name: "trailing commas",
    source: "anomalyco/opencode PR #24289",
    reply: text(`{"tool": "read_file", "args": {"path": "src/parse.ts",},}`),
    expected: accept(READ, false, ["repaired_json"]),
  },
  {
    name: "missing closing brace (reply not cut off)",
    source: "anomalyco/opencode PR #24289; cline/cline PR #13015 (jsonrepair still fixes unclosed containers)",
    reply: text(`{"tool": "read_file", "args": {"path": "src/parse.ts"}`, "stop"),
    expected: accept(READ, false, ["repaired_json"]),
  },
  {
    name: "JSON with // and /* */ comments",
    source: "jataware/archytas#35 (the agent added a comment next to the corrected input)",
    reply: text(`{\n  // read the parser before editing\n  "tool": "read_file",\n  "args": {"path": "src/parse.ts" /* whole file */}\n}`),
    expected: accept(READ, false, ["repaired_json"]),
  },
  {
    name: "raw newlines inside a JSON string",
    source: "litellm PR #28988 (raw newlines in tool-call JSON)",
    reply: text(`{"tool": "write_file", "args": {"path": "src/one.py", "content": "def one():\n    return 1\n"}}`),
    expected: accept({ tool: "write_file", args: { path: "src/one.py", content: "def one():\n    return 1\n" } }, false, ["repaired_json"]),
  },
  {
    name: "invalid \\_ escape from markdown-escaped text",
    source: "OpenHands/OpenHands#260 (\"hello\\_world.sh\" made the JSON invalid)",
    reply: text(`{\n"tool": "finish",\n"args": {\n"summary": "Made hello\\_world.sh executable"\n}\n}`),
    expected: accept({ tool: "finish", args: { summary: "Made hello_world.sh executable" } }, false, ["repaired_json"]),
  },
  {
    name: "unescaped quotes inside a string: not guessed",
    source: "cline/cline#10518 (\"escape embedded quotes/newlines inside string fields\")",
    reply: text(`{"tool": "edit_file", "args": {"path": "a.py", "old_text": "print("hi")", "new_text": "print("bye")"}}`),
    expected: reject("invalid_json", ["not valid JSON", `\\"`], "read_file"),
  },
  {
    name: "literal \\n tokens outside strings, in stringified editor arguments",
    source: "OpenHands/software-agent-sdk#2488 (Qwen3.5: \"view_range\": \\n[2142, 2250]\\n\\n})",
    reply: native({ name: "str_replace_editor", arguments: `{"command": "view", "path": "django/db/models/query.py", "view_range": \\n[2142, 2250]\\n\\n}` }),
    expected: accept({ tool: "read_file", args: { path: "django/db/models/query.py", start_line: 2142, end_line: 2250 } }, false, ["repaired_json", "mapped_alias"], [
      /with command "view" was read as read_file/,
      /"view_range" was read as start_line\/end_line/,
    ]),
  },
  {
    name: "literal \\n tokens outside strings in content",
    source: "OpenHands/software-agent-sdk#2488",
    reply: text(`{"tool": "read_file", "args": {"path": "src/parse.ts", "lines": \\n"10-20"\\n}}`),
    expected: accept({ tool: "read_file", args: { path: "src/parse.ts", start_line: 10, end_line: 20 } }, false, ["repaired_json", "mapped_alias"], [/"lines" was read as start_line\/end_line/]),
  },

  // ── §8.7/8.8 cut-off replies: never repaired ──────────────────────────────────────────────
  {
    name: "unterminated string (no done_reason): truncated, not repaired",
    source: "cline/cline#13001 and PR #13015 (hasUnterminatedString: reject cut-off tool-call arguments)",
    reply: text(`{"tool": "write_file", "args": {"path": "src/parse.ts", "content": "export function parse(input) {\\n  return input.split(`),
    expected: reject("truncated", ["cut off", "edit_file"], "edit_file"),
  },
  {
    name: "done_reason length with a repairable object: truncated",
    source: "cline/cline#13001 (container-level truncation is indistinguishable from a complete list); mini-swe-agent finish_reason=length",
    reply: text(`{"tool": "write_file", "args": {"path": "src/parse.ts", "content": "export const x = 1;\\n"}`, "length"),
    expected: reject("truncated", ["cut off"], "edit_file"),
  },
  {
    name: "done_reason length but the JSON is complete and valid: accepted",
    source: "mini-swe-agent (length is a signal, not a verdict, when the call parsed strictly)",
    reply: text(READ_JSON, "length"),
    expected: accept(READ, true, []),
  },
  {
    name: "unterminated string inside a fence with prose",
    source: "cline/cline#13001",
    reply: text(`I'll rewrite the file:\n${F}json\n{"tool": "write_file", "args": {"path": "src/a.ts", "content": "export const a = `),
    expected: reject("truncated", ["cut off"], "edit_file", ["stripped_fence", "extracted_from_prose"]),
  },
  {
    name: "XML call cut off by the token limit",
    source: "OpenHands fn_call_converter.py (missing closers are normal, so only done_reason tells a cut)",
    reply: text(`<function=write_file>\n<parameter=path>src/a.ts</parameter>\n<parameter=content>\nexport function a() {\n  return`, "length"),
    expected: reject("truncated", ["cut off"], "edit_file"),
  },
  {
    name: "Llama 3.1 <function=…> with cut-off JSON body",
    source: "meta-llama/llama-models#169 format + cline/cline#13001",
    reply: text(`<function=write_file>{"path": "src/a.py", "content": "def a():\\n    ret`),
    expected: reject("truncated", ["cut off"], "edit_file", ["extracted_from_prose"]),
  },
  {
    name: "pythonic call cut off inside a triple-quoted string",
    source: "lablup/mlxcel#1306 (LFM2 pythonic calls) + cline/cline#13001",
    reply: text(`[write_file(path="src/a.py", content="""def a():\n    return`),
    expected: reject("truncated", ["cut off"], "edit_file", ["extracted_from_prose"]),
  },

  // ── §8.10 wrong keys, §8.11 hallucinated tools, near misses ───────────────────────────────
  {
    name: "hyphenated argument names",
    source: "charmbracelet/fantasy#304 (old-string instead of old_string)",
    reply: text(`{"tool": "edit_file", "args": {"path": "src/a.ts", "old-string": "a > b", "new-string": "a >= b"}}`),
    expected: accept({ tool: "edit_file", args: { path: "src/a.ts", old_text: "a > b", new_text: "a >= b" } }, false, ["mapped_alias"], [
      /"old-string" was read as "old_text"/,
      /"new-string" was read as "new_text"/,
    ]),
  },
  {
    name: "file_path / old_string / new_string aliases (Claude Code style)",
    source: "contract aliases (file_path → path, old_string → old_text)",
    reply: text(`{"tool": "edit_file", "args": {"file_path": "src/a.ts", "old_string": "a > b", "new_string": "a >= b"}}`),
    expected: accept({ tool: "edit_file", args: { path: "src/a.ts", old_text: "a > b", new_text: "a >= b" } }, false, ["mapped_alias"], [
      /"file_path" was read as "path"/,
      /"old_string" was read as "old_text"/,
      /"new_string" was read as "new_text"/,
    ]),
  },
  {
    name: "\"lines\": \"1-10\" and a ./ prefix",
    source: "contract",
    reply: text(`{"tool": "read_file", "args": {"file": "./src/parse.ts", "lines": "1-10"}}`),
    expected: accept({ tool: "read_file", args: { path: "src/parse.ts", start_line: 1, end_line: 10 } }, false, ["mapped_alias"], [
      /"file" was read as "path"/,
      /"lines" was read as start_line\/end_line/,
    ]),
  },
  {
    name: "wrong key instead of the required one",
    source: "microsoft/agent-framework#7222 (items instead of todos, resent 4× after a vague error)",
    reply: text(`{"tool": "finish", "args": {"items": ["fixed parseDate", "added a test"]}}`),
    expected: reject("missing_arg", [`"summary"`, `"items"`], "finish"),
  },
  {
    name: "empty args",
    source: "openclaw PR #56697 (tool called with {})",
    reply: text(`{"tool": "read_file", "args": {}}`),
    expected: reject("missing_arg", [`"path"`, "read_file"], "read_file"),
  },
  {
    name: "an argument the tool does not take",
    source: "jordanjalles/jetbox JSON_PARSING_FIX_ANALYSIS.md (\"append\", \"encoding\"… invented by the model)",
    reply: text(`{"tool": "write_file", "args": {"path": "notes.txt", "content": "done", "append": true}}`),
    expected: reject("unexpected_arg", [`"append"`, "write_file"], "write_file"),
  },
  {
    name: "wrong argument type",
    source: "SWE-agent parsing.py (view_range format errors get their own message)",
    reply: text(`{"tool": "read_file", "args": {"path": "src/parse.ts", "start_line": "ten"}}`),
    expected: reject("wrong_type", [`"start_line"`, "read_file"], "read_file"),
  },
  {
    name: "hallucinated shell tool",
    source: "livekit/agents PR #6085 (hallucinated tool names); OpenHands execute_bash",
    reply: text(`{"tool": "execute_bash", "args": {"command": "cat src/parse.ts"}}`),
    expected: reject("unknown_tool", [`"execute_bash"`, "no shell", "run_tests"], "read_file"),
  },
  {
    name: "hallucinated \"think\" action",
    source: "OpenHands/OpenHands#260 ({\"action\": \"think\", \"args\": {\"thought\": …}})",
    reply: text(`{\n"action": "think",\n"args": {\n"thought": "I should check if the 'hello\\_world.sh' script exists by running 'ls'."\n}\n}`),
    expected: reject("unknown_tool", [`"think"`], "read_file", ["repaired_json", "mapped_alias"]),
  },
  {
    name: "garbled native tool name",
    source: "ollama/ollama#11704 (gpt-oss tool name \"assistant<|channel|>analysis\")",
    reply: native({ name: "assistant<|channel|>analysis", arguments: { command: "./test" } }),
    expected: reject("unknown_tool", [`"assistant<|channel|>analysis"`], "read_file"),
  },
  {
    name: "tool name near miss by case (CamelCase)",
    source: "contract: names that differ in case/camelCase",
    reply: text(`{"tool": "ReadFile", "args": {"path": "src/parse.ts"}}`),
    expected: accept(READ, false, ["mapped_alias"], [/"ReadFile" was read as "read_file"/]),
  },
  {
    name: "tool name near miss by hyphen",
    source: "contract: names that differ in -/_",
    reply: text(`{"tool": "read-file", "args": {"path": "src/parse.ts"}}`),
    expected: accept(READ, false, ["mapped_alias"], [/"read-file" was read as "read_file"/]),
  },
  {
    name: "tool name near miss by edit distance, unambiguous",
    source: "contract: edit distance ≤ 2",
    reply: text(`{"tool": "read_files", "args": {"path": "src/parse.ts"}}`),
    expected: accept(READ, false, ["mapped_alias"], [/"read_files" was read as "read_file"/]),
  },
  {
    name: "functions. namespace prefix",
    source: "tontinton/maki PR #518 (models post-trained on Codex sessions call functions.<name>)",
    reply: text(`{"name": "functions.read_file", "arguments": {"path": "src/parse.ts"}}`),
    expected: accept(READ, false, ["mapped_alias"], [/"functions.read_file" was read as "read_file"/]),
  },
  {
    name: "tool name within distance 2 of two tools: not guessed",
    source: "scaffolding_anchors §9.3 (edit distance ≤ 2 only when unambiguous)",
    reply: text(`{"tool": "writ_file", "args": {"path": "src/a.ts", "content": "x"}}`),
    expected: reject("unknown_tool", [`"writ_file"`, "edit_file or write_file"], "edit_file"),
  },
  {
    name: "two different tools named in one object: not guessed",
    source: "SWE-agent parsing.py `multiple`; contract: never guess between two tools",
    reply: text(`{"tool": "read_file", "name": "search", "args": {"path": "src/parse.ts"}}`),
    expected: reject("multiple", [`"read_file"`, `"search"`], "read_file"),
  },
  {
    name: "editor command with no matching tool: not guessed",
    source: "OpenHands str_replace_editor (insert/undo_edit have no counterpart)",
    reply: text(`{"name": "str_replace_editor", "arguments": {"command": "insert", "path": "src/a.py", "insert_line": 3, "new_str": "x = 1"}}`),
    expected: reject("unknown_tool", [`"str_replace_editor"`, `"insert"`, "edit_file"], "edit_file", ["mapped_alias"]),
  },
  {
    name: "write tool in a question task",
    source: "DESIGN §3: question tasks get only the read tools and answer",
    tools: QUESTION_TOOLS,
    reply: text(`{"tool": "edit_file", "args": {"path": "src/a.ts", "old_text": "a", "new_text": "b"}}`),
    expected: reject("tool_not_available", ["edit_file", "question", "answer"], "read_file"),
  },
  {
    name: "argument written next to args instead of inside",
    source: "jordanjalles/jetbox JSON_PARSING_FIX_ANALYSIS.md (arguments spilled outside the object)",
    reply: text(`{"tool": "write_file", "args": {"path": "src/a.ts"}, "content": "export const a = 1;\\n"}`),
    expected: accept({ tool: "write_file", args: { path: "src/a.ts", content: "export const a = 1;\n" } }, false, ["mapped_alias"], [/"content" belongs inside "args"/]),
  },
  {
    name: "arguments at the top level",
    source: "ollama tools/tools.go findArguments (arguments found wherever the keys are)",
    reply: text(`{"tool": "search", "pattern": "parseDate", "path": "src"}`),
    expected: accept({ tool: "search", args: { pattern: "parseDate", path: "src" } }, false, ["mapped_alias"], [/belong inside "args"/]),
  },

  // ── §8.12 several calls ───────────────────────────────────────────────────────────────────
  {
    name: "concatenated objects: first runs, the other is dropped with a note",
    source: "sgomez/ollama-ai-provider PR #11; ollama tools/tools_test.go (multiple tool calls without array)",
    reply: text(`${READ_JSON} {"tool": "read_file", "args": {"path": "test/parse.test.ts"}}`),
    expected: accept(READ, false, ["extracted_from_prose"], [/1 more was dropped/]),
  },
  {
    name: "several native tool_calls: first runs",
    source: "g0t4/ask-openai.nvim notes (qwen2.5-coder parallel calls ls then ls -l); SWE-agent `multiple`",
    reply: native({ name: "read_file", arguments: { path: "src/parse.ts" } }, { name: "run_tests", arguments: {} }),
    expected: accept(READ, false, ["extracted_from_prose"], [/1 more was dropped/]),
  },
  {
    name: "first call invalid, second valid: the first's error, not a silent swap",
    source: "contract: the first object naming a declared tool is the call",
    reply: text(`{"tool": "edit_file", "args": {"path": "src/a.ts", "old_text": "a > b"}}\n{"tool": "run_tests", "args": {}}`),
    expected: reject("missing_arg", [`"new_text"`, "edit_file"], "edit_file", ["extracted_from_prose"]),
  },
  {
    name: "an unknown tool first, then a declared one",
    source: "livekit/agents PR #6085 + contract (first object naming a declared tool)",
    reply: text(`{"tool": "bash", "args": {"command": "ls"}}\n{"tool": "list_files", "args": {"path": "src"}}`),
    expected: accept({ tool: "list_files", args: { path: "src" } }, false, ["extracted_from_prose"]),
  },

  // ── §8.14 no call at all ──────────────────────────────────────────────────────────────────
  {
    name: "empty reply",
    source: "ollama/ollama#10899 (empty content)",
    reply: text(""),
    expected: reject("empty", ["empty"], "read_file"),
  },
  {
    name: "prose only in a change task",
    source: "cline noToolsUsed (prompts/responses.ts); SWE-agent `missing`",
    reply: text(`I have fixed the bug in parseDate. The tests should pass now.`),
    expected: reject("no_call", ["has no tool call", "finish"], "read_file"),
  },
  {
    name: "prose only in a question task",
    source: "cline noToolsUsed",
    tools: QUESTION_TOOLS,
    reply: text(`parseDate is defined in src/date.ts.`),
    expected: reject("no_call", ["has no tool call", "answer"], "read_file"),
  },
  {
    name: "empty object",
    source: "openclaw PR #56697",
    reply: text(`{}`),
    expected: reject("no_call", [`"tool" field`], "read_file"),
  },
];

const toolsOf = (c: Case) => c.tools ?? CHANGE_TOOLS;

describe("parseToolReply corpus, repair on", () => {
  it.each(CASES)("$name", (c) => {
    const result = parseToolReply({ reply: c.reply, tools: toolsOf(c), repair: true });
    const expected = c.expected;
    if (expected.ok) {
      if (!result.ok) throw new Error(`expected a call, got ${result.error.code}: ${result.error.message}`);
      expect(result.call).toEqual(expected.call);
      expect(result.rawValid).toBe(expected.rawValid);
      expect(result.interventions).toEqual(expected.interventions);
      expect(result.notes).toHaveLength(expected.notes?.length ?? 0);
      (expected.notes ?? []).forEach((pattern, i) => expect(result.notes[i]).toMatch(pattern));
      return;
    }
    if (result.ok) throw new Error(`expected ${expected.code}, got a call: ${JSON.stringify(result.call)}`);
    expect(result.error.code).toBe(expected.code);
    expect(result.rawValid).toBe(false);
    expect(result.interventions).toEqual(expected.interventions);
    for (const mention of expected.mentions) expect(result.error.message).toContain(mention);
    expect(result.error.message).toContain(exampleCall(expected.example));
  });
});

describe("parseToolReply corpus, repair off (strict path only)", () => {
  it.each(CASES)("$name", (c) => {
    const result = parseToolReply({ reply: c.reply, tools: toolsOf(c), repair: false });
    const expected = c.expected;
    expect(result.interventions).toEqual([]);
    if (expected.ok && expected.rawValid) {
      if (!result.ok) throw new Error(`expected the strict path to accept, got ${result.error.code}`);
      expect(result.call).toEqual(expected.strictCall ?? expected.call);
      expect(result.rawValid).toBe(true);
      expect(result.notes).toEqual([]);
      return;
    }
    if (result.ok) throw new Error(`expected the strict path to reject, got ${JSON.stringify(result.call)}`);
    expect(result.rawValid).toBe(false);
    // Even strict errors are specific: they show a valid call to copy.
    expect(toolsOf(c).some((tool) => result.error.message.includes(exampleCall(tool)))).toBe(true);
  });
});

describe("strict error taxonomy (repair off)", () => {
  const strict = (reply: ReplyInput, tools: readonly ToolName[] = CHANGE_TOOLS) => {
    const result = parseToolReply({ reply, tools, repair: false });
    if (result.ok) throw new Error("expected an error");
    return result.error;
  };

  it("prose is `no_call`, two objects are `multiple`, broken JSON is `invalid_json`, a fence is `invalid_json`", () => {
    expect(strict(text("I will now read the file.")).code).toBe("no_call");
    expect(strict(text(`${READ_JSON}\n${READ_JSON}`))).toMatchObject({ code: "multiple", message: expect.stringContaining("yours had 2") });
    expect(strict(text(`{"tool": "read_file", "args": {"path": "a.ts",}}`)).code).toBe("invalid_json");
    expect(strict(text(`${F}json\n${READ_JSON}\n${F}`))).toMatchObject({ code: "invalid_json", message: expect.stringContaining("no markdown fence") });
  });

  it("several native calls are `multiple` and name them", () => {
    const error = strict(native({ name: "read_file", arguments: { path: "a.ts" } }, { name: "search", arguments: { pattern: "x" } }));
    expect(error).toMatchObject({ code: "multiple", message: expect.stringContaining("read_file, search") });
  });

  it("native stringified arguments are not strict (`wrong_type` on args)", () => {
    const error = strict(native({ name: "read_file", arguments: `{"path": "a.ts"}` }));
    expect(error).toMatchObject({ code: "wrong_type", tool: "read_file", message: expect.stringContaining(`"args" must be an object`) });
  });

  it("name/arguments is not strict: the message asks for the \"tool\" field", () => {
    expect(strict(text(`{"name": "read_file", "arguments": {"path": "a.ts"}}`))).toMatchObject({
      code: "no_call",
      message: expect.stringContaining(`"tool" field`),
    });
  });

  it("extra top-level fields are `unexpected_arg` and named", () => {
    const error = strict(text(`{"tool": "read_file", "args": {"path": "a.ts"}, "confidence": 0.9}`));
    expect(error).toMatchObject({ code: "unexpected_arg", message: expect.stringContaining(`"confidence"`) });
  });

  it("done_reason length on unparseable content is `truncated`", () => {
    expect(strict(text(`{"tool": "read_file", "args": {"path": "a`, "length")).code).toBe("truncated");
  });
});

describe("repair-on details", () => {
  it("an ignored envelope field is reported in a note, the call still runs", () => {
    const result = parseToolReply({ reply: text(`{"tool": "read_file", "args": {"path": "a.ts"}, "confidence": 0.9}`), tools: CHANGE_TOOLS, repair: true });
    expect(result).toMatchObject({ ok: true, call: { tool: "read_file", args: { path: "a.ts" } }, rawValid: false, interventions: ["mapped_alias"] });
    expect(result.notes).toEqual([`the field "confidence" next to "args" was ignored; only "thought", "tool" and "args" are read`]);
  });

  it("a fenced JSON write_file to a markdown file keeps the content's own fence", () => {
    const content = `${F}json\n{"tool": "write_file", "args": {"path": "README.md", "content": "${F}sh\\nnpm i\\n${F}\\n"}}\n${F}`;
    const result = parseToolReply({ reply: text(content), tools: CHANGE_TOOLS, repair: true });
    expect(result).toMatchObject({ ok: true, call: { tool: "write_file", args: { path: "README.md", content: `${F}sh\nnpm i\n${F}\n` } }, interventions: ["stripped_fence"] });
  });

  it("a tag inside a JSON string is content, not a call", () => {
    const reply = text(`{"tool": "write_file", "args": {"path": "prompt.txt", "content": "Call tools as <function=read_file><parameter=path>x</parameter></function>",},}`);
    expect(parseToolReply({ reply, tools: CHANGE_TOOLS, repair: true })).toMatchObject({
      ok: true,
      call: { tool: "write_file", args: { path: "prompt.txt", content: "Call tools as <function=read_file><parameter=path>x</parameter></function>" } },
      interventions: ["repaired_json"],
      notes: [],
    });
  });

  it("a question task maps only to the tools it offers", () => {
    const result = parseToolReply({ reply: text(`{"name": "cat", "arguments": {"file": "src/a.ts"}}`), tools: QUESTION_TOOLS, repair: true });
    expect(result).toMatchObject({ ok: true, call: { tool: "read_file", args: { path: "src/a.ts" } } });
  });

  it("the truncated error never depends on jsonrepair's guess: the same text with done_reason stop is repaired", () => {
    const body = `{"tool": "read_file", "args": {"path": "src/parse.ts"}`;
    expect(parseToolReply({ reply: text(body, "length"), tools: CHANGE_TOOLS, repair: true })).toMatchObject({ ok: false, error: { code: "truncated" } });
    expect(parseToolReply({ reply: text(body, "stop"), tools: CHANGE_TOOLS, repair: true })).toMatchObject({ ok: true, interventions: ["repaired_json"] });
  });
});
