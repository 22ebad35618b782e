import type { ToolCall } from "../../../src/protocol/tool-schemas.js";
import type { Intervention } from "../../../src/report/report-schema.js";
import type { ReplyInput } from "../../../src/scaffold/repair/parsed-reply.js";
import type { ReplyErrorCode } from "../../../src/scaffold/repair/validate-call.js";

/**
 * Real replies of the families small models emit when no grammar holds them (issue 12), each
 * taken from a public issue thread or parser test fixture (`source`). `seen` says what the source
 * shows; `reply` is that same shape (markers, corruption, spacing, cut-off point) carrying a call of
 * this project's tools, so that the expected outcome can be exact. Where the source's own tool does
 * not exist here (`get_weather`, `bash`), the reply keeps it and the expected outcome is a re-ask.
 *
 * Outcomes: `call` with the exact tool, args and interventions after repair; or `reask` with the
 * error kind and words the error must contain (what was found, and the right shape).
 */

export type Family = "harmony" | "mistral" | "gemma" | "qwen-xml" | "xml-wrapper" | "self-closing" | "json-rpc" | "near-keys";

export type Expected =
  | { call: ToolCall; interventions: Intervention[]; /** Another call in the same reply was dropped with a note. */ dropped?: true }
  | { reask: ReplyErrorCode; mentions: string[] };

export interface CorpusCase {
  id: string;
  family: Family;
  /** Issue, pull request or fixture file where the shape was seen. */
  source: string;
  /** What the source shows, in words. */
  seen: string;
  reply: ReplyInput;
  /** A question task (read tools and answer only); default a change task. */
  question?: true;
  expected: Expected;
}

const F = "```";
const Q = `<|"|>`;
const text = (content: string, doneReason?: string): ReplyInput => (doneReason === undefined ? { content } : { content, doneReason });
const call = (tool: ToolCall["tool"], args: Record<string, unknown>): ToolCall => ({ tool, args }) as ToolCall;
const ok = (c: ToolCall, interventions: Intervention[], dropped?: true): Expected => (dropped ? { call: c, interventions, dropped } : { call: c, interventions });
const reask = (code: ReplyErrorCode, mentions: string[]): Expected => ({ reask: code, mentions });

const READ = call("read_file", { path: "src/parse.ts" });
const EP: Intervention[] = ["extracted_from_prose"];
const EPR: Intervention[] = ["extracted_from_prose", "repaired_json"];
const EPM: Intervention[] = ["extracted_from_prose", "mapped_alias"];

const HARMONY: CorpusCase[] = [
  {
    id: "harmony-analysis-then-commentary-call",
    family: "harmony",
    source: "https://github.com/kekzl/imp/pull/1719",
    seen: "gpt-oss-20b: <|channel|>analysis…<|end|> then <|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{…}, no <|call|>",
    reply: text(`<|channel|>analysis<|message|>We need to read the parser first.<|end|>\n<|start|>assistant<|channel|>commentary to=functions.read_file <|constrain|>json<|message|>{"path":"src/parse.ts"}`),
    expected: ok(READ, EP),
  },
  {
    id: "harmony-call-terminated",
    family: "harmony",
    source: "https://github.com/lmstudio-ai/lmstudio-bug-tracker/issues/942",
    seen: "LM Studio log: <|start|>assistant<|channel|>commentary to=functions.NAME<|constrain|>json<|message|>{…} (no space before <|constrain|>)",
    reply: text(`<|start|>assistant<|channel|>commentary to=functions.search<|constrain|>json<|message|>{"pattern":"parseDate","path":"src"}<|call|>`),
    expected: ok(call("search", { pattern: "parseDate", path: "src" }), EP),
  },
  {
    id: "harmony-markers-stripped",
    family: "harmony",
    source: "https://github.com/raullenchai/Rapid-MLX/issues/480",
    seen: "streamed content carries the header with its special tokens dropped: `commentary to=functions.get_weather json{\"city\":\"Paris\"}`",
    reply: text(`commentary to=functions.read_file json{"path":"src/parse.ts"}`),
    expected: ok(READ, EPR),
  },
  {
    id: "harmony-markers-stripped-with-analysis",
    family: "harmony",
    source: "https://github.com/Augustas11/macprovider/issues/743",
    seen: "content `analysisWe need to answer … assistantfinalfour`: channel names glued to the text, every marker gone",
    reply: text(`analysisWe need the failing test output first.assistantcommentary to=functions.run_tests json{}`),
    expected: ok(call("run_tests", {}), EPR),
  },
  {
    id: "harmony-bare-recipient",
    family: "harmony",
    source: "https://github.com/NousResearch/hermes-agent/pull/84231",
    seen: "self-hosted gpt-oss leaks `to=functions.<tool> {...}` into the visible answer",
    reply: text(`I will list the folder. to=functions.list_files {"path":"src"}`),
    expected: ok(call("list_files", { path: "src" }), EPR),
  },
  {
    id: "harmony-duplicate-channel-marker",
    family: "harmony",
    source: "https://github.com/openai/harmony/pull/97",
    seen: "gpt-oss-20b emits extra <|channel|> markers in a message header in long conversations",
    reply: text(`<|channel|>commentary to=functions.read_file<|channel|>commentary <|constrain|>json<|message|>{"path":"src/parse.ts","start_line":1,"end_line":40}<|call|>`),
    expected: ok(call("read_file", { path: "src/parse.ts", start_line: 1, end_line: 40 }), EPR),
  },
  {
    id: "harmony-stray-token-in-header",
    family: "harmony",
    source: "https://github.com/openai/harmony/issues/38",
    seen: "HarmonyError: unexpected tokens remaining in message header: [\"––commentary\"]",
    reply: text(`<|start|>assistant<|channel|>––commentary to=functions.edit_file <|constrain|>json<|message|>{"path":"src/date.ts","old_text":"a > b","new_text":"a >= b"}<|call|>`),
    expected: ok(call("edit_file", { path: "src/date.ts", old_text: "a > b", new_text: "a >= b" }), EPR),
  },
  {
    id: "harmony-recipient-in-role",
    family: "harmony",
    source: "https://github.com/openai/openai-cookbook/blob/main/articles/openai-harmony.md",
    seen: "the recipient may also stand in the role part: <|start|>assistant to=functions.NAME<|channel|>commentary json<|message|>{…}<|call|>",
    reply: text(`<|start|>assistant to=functions.read_file<|channel|>commentary json<|message|>{"path":"src/parse.ts"}<|call|>`),
    expected: ok(READ, EP),
  },
  {
    id: "harmony-junk-header-then-call",
    family: "harmony",
    source: "https://github.com/ggml-org/llama.cpp/issues/27720",
    seen: "a doubled `<|channel|>commentary to=assistant<|channel|>commentary?` header, then a well-formed message",
    reply: text(`<|channel|>commentary to=assistant<|channel|>commentary?<|end|><|start|>assistant<|channel|>commentary to=functions.run_tests <|constrain|>json<|message|>{}<|call|>`),
    expected: ok(call("run_tests", {}), EP),
  },
  {
    id: "harmony-junk-header-only",
    family: "harmony",
    source: "https://github.com/ggml-org/llama.cpp/issues/27720",
    seen: "after <|channel|> the model writes `??` or `commentary?commentary?` and no message",
    reply: text(`<|channel|>??<|end|><|start|>assistant<|channel|>commentary?commentary?`),
    expected: reask("no_call", ["no tool call"]),
  },
  {
    id: "harmony-unknown-function",
    family: "harmony",
    source: "https://github.com/lablup/mlxcel/issues/654",
    seen: "raw `<|channel|>commentary to=functions.NAME …` markup leaks into content for a tool the client declared",
    reply: text(`<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{"city":"Berlin"}`),
    expected: reask("unknown_tool", ["get_weather", "Harmony"]),
  },
  {
    id: "harmony-constrain-then-prose",
    family: "harmony",
    source: "https://github.com/tilesprivacy/tiles/issues/145",
    seen: "`<|constrain|>write: edit file with content.<|end|><|start|>assistant`: prose where the JSON arguments belong",
    reply: text(`<|channel|>commentary to=functions.write_file <|constrain|>write: edit file with content.<|end|><|start|>assistant`),
    expected: reask("invalid_json", ["write_file", "Harmony"]),
  },
  {
    id: "harmony-cut-off",
    family: "harmony",
    source: "https://github.com/lmstudio-ai/lmstudio-bug-tracker/issues/942",
    seen: "Failed to parse tool call: Unexpected end of content (large nested arguments)",
    reply: text(`<|start|>assistant<|channel|>commentary to=functions.write_file<|constrain|>json<|message|>{"path":"src/config.ts","content":"export const limits = {\\n  cpu: '100m',`, "length"),
    expected: reask("truncated", ["cut off"]),
  },
  {
    id: "harmony-question-task-write",
    family: "harmony",
    source: "https://github.com/jundot/omlx/pull/2143",
    seen: "functions.* recipients in commentary become tool calls; a write in a read-only task must be refused",
    question: true,
    reply: text(`<|channel|>commentary to=functions.edit_file <|constrain|>json<|message|>{"path":"src/a.ts","old_text":"a","new_text":"b"}<|call|>`),
    expected: reask("tool_not_available", ["edit_file", "question"]),
  },
];

const MISTRAL: CorpusCase[] = [
  {
    id: "mistral-v11-name-json",
    family: "mistral",
    source: "https://github.com/vllm-project/vllm/blob/main/tests/tool_parsers/test_mistral_tool_parser.py",
    seen: "v11 tokenizer: `[TOOL_CALLS]add_this_and_that{\"a\": 3.5, \"b\": 4}` (name then JSON arguments)",
    reply: text(`[TOOL_CALLS]read_file{"path": "src/parse.ts"}`),
    expected: ok(READ, EP),
  },
  {
    id: "mistral-v13-args-marker",
    family: "mistral",
    source: "https://github.com/ml-explore/mlx-lm/issues/1374",
    seen: "Devstral renders `[TOOL_CALLS]<name>[ARGS]<json>`",
    reply: text(`[TOOL_CALLS]read_file[ARGS]{"path": "src/parse.ts"}`),
    expected: ok(READ, EP),
  },
  {
    id: "mistral-v13-two-calls",
    family: "mistral",
    source: "https://github.com/ml-explore/mlx-lm/pull/1448",
    seen: "`get_weather[ARGS]{\"city\": \"Paris\"}[TOOL_CALLS]get_weather[ARGS]{\"city\": \"Tokyo\"}`: parallel calls in one string",
    reply: text(`[TOOL_CALLS]search[ARGS]{"pattern": "parseDate"}[TOOL_CALLS]read_file[ARGS]{"path": "src/date.ts"}`),
    expected: ok(call("search", { pattern: "parseDate" }), EP, true),
  },
  {
    id: "mistral-v13-trailing-prose",
    family: "mistral",
    source: "https://github.com/ml-explore/mlx-lm/pull/1448",
    seen: "`grep[ARGS]{\"pattern\": \"TODO\"}\\n\\nLet me search for that.` (marker consumed by the server, prose after the call)",
    reply: text(`search[ARGS]{"pattern": "TODO"}\n\nLet me search for that.`),
    expected: ok(call("search", { pattern: "TODO" }), EP),
  },
  {
    id: "mistral-metaspace-list",
    family: "mistral",
    source: "https://github.com/mistralai/mistral-common/issues/43",
    seen: "detokenized output keeps SentencePiece meta-spaces: `▁[{\"type\":▁\"function\",▁…`, replies like `▁The▁current▁weather…`",
    reply: text(`[TOOL_CALLS]▁[{"name":▁"read_file",▁"arguments":▁{"path":▁"src/parse.ts"}}]`),
    expected: ok(READ, ["extracted_from_prose", "repaired_json", "mapped_alias"]),
  },
  {
    id: "mistral-metaspace-inside-value",
    family: "mistral",
    source: "https://github.com/mistralai/mistral-common/issues/43",
    seen: "every space, inside strings too, comes out as ▁",
    reply: text(`[TOOL_CALLS]▁[{"name":▁"search",▁"arguments":▁{"pattern":▁"parse▁date"}}]`),
    expected: ok(call("search", { pattern: "parse date" }), ["extracted_from_prose", "repaired_json", "mapped_alias"]),
  },
  {
    id: "mistral-tekken-byte-space",
    family: "mistral",
    source: "https://github.com/ml-explore/mlx-lm/issues/1041",
    seen: "Devstral (tekken v13) output `Hello!ĠHowĠcanĠIĠassistĠyouĠtoday?`: Ġ in place of spaces",
    reply: text(`[TOOL_CALLS]finish[ARGS]{"summary":Ġ"FixedĠtheĠoff-by-oneĠinĠparseDate."}`),
    expected: ok(call("finish", { summary: "Fixed the off-by-one in parseDate." }), EPR),
  },
  {
    id: "mistral-junk-before-list",
    family: "mistral",
    source: "https://github.com/vllm-project/vllm/blob/main/tests/tool_parsers/test_mistral_tool_parser.py",
    seen: "regex fallback: `[TOOL_CALLS]  junk [{\"name\": \"add\", \"arguments\":{…}}] trail`",
    reply: text(`[TOOL_CALLS]  junk [{"name": "read_file", "arguments":{"path": "src/parse.ts"}}] trail`),
    expected: ok(READ, EPM),
  },
  {
    id: "mistral-unknown-tool",
    family: "mistral",
    source: "https://github.com/ml-explore/mlx-lm/issues/1374",
    seen: "`calculator[ARGS]{\"expression\": \"2+3\"}` for a tool the client declared",
    reply: text(`[TOOL_CALLS]calculator[ARGS]{"expression": "2+3"}`),
    expected: reask("unknown_tool", ["calculator", "[TOOL_CALLS]"]),
  },
  {
    id: "mistral-name-argument-shadows",
    family: "mistral",
    source: "https://github.com/ollama/ollama/issues/16932",
    seen: "`[TOOL_CALLS]foo{\"name\": \"bar\"}`: an argument called `name` was taken for the function name and the call dropped",
    reply: text(`[TOOL_CALLS]search{"pattern": "name", "path": "src"}`),
    expected: ok(call("search", { pattern: "name", path: "src" }), EP),
  },
  {
    id: "mistral-cut-off",
    family: "mistral",
    source: "https://github.com/ml-explore/mlx-lm/pull/1448",
    seen: "the empty end marker keeps the parser collecting until EOS; a reply stopped at the token limit ends inside the arguments",
    reply: text(`[TOOL_CALLS]write_file[ARGS]{"path": "src/a.ts", "content": "export const`, "length"),
    expected: reask("truncated", ["cut off"]),
  },
];

const GEMMA: CorpusCase[] = [
  {
    id: "gemma-canonical",
    family: "gemma",
    source: "https://github.com/vllm-project/vllm/blob/main/tests/tool_parsers/test_gemma4_tool_parser.py",
    seen: "`<|tool_call>call:get_weather{location:<|\"|>London<|\"|>}<tool_call|>`",
    reply: text(`<|tool_call>call:read_file{path:${Q}src/parse.ts${Q}}<tool_call|>`),
    expected: ok(READ, EP),
  },
  {
    id: "gemma-canonical-numbers",
    family: "gemma",
    source: "https://github.com/vllm-project/vllm/blob/main/tests/tool_parsers/test_gemma4_tool_parser.py",
    seen: "bare numbers and booleans: `name:<|\"|>test<|\"|>,count:42,active:true`",
    reply: text(`Let me read the top of it. <|tool_call>call:read_file{path:${Q}src/parse.ts${Q},start_line:1,end_line:40}<tool_call|>`),
    expected: ok(call("read_file", { path: "src/parse.ts", start_line: 1, end_line: 40 }), EP),
  },
  {
    id: "gemma-turn-closer",
    family: "gemma",
    source: "https://github.com/vllm-project/vllm/blob/main/tests/tool_parsers/test_gemma4_regex_and_bare_calls.py",
    seen: "Gemma-4 sometimes closes the call with <turn|> instead of <tool_call|>",
    reply: text(`<|tool_call>call:search{pattern:${Q}parseDate${Q}}<turn|>`),
    expected: ok(call("search", { pattern: "parseDate" }), EPR),
  },
  {
    id: "gemma-bare-after-thought",
    family: "gemma",
    source: "https://github.com/vllm-project/vllm/blob/main/tests/tool_parsers/test_gemma4_regex_and_bare_calls.py",
    seen: "a bare `call:` glued to <channel|> after a thought channel, no <|tool_call>",
    reply: text(`<|channel>thought\nI need to read the entry source file to inspect the crash point.\n<channel|>call:read_file{path:${Q}src/entry.c${Q}}`),
    expected: ok(call("read_file", { path: "src/entry.c" }), EPR),
  },
  {
    id: "gemma-colon-prefixed",
    family: "gemma",
    source: "https://github.com/vllm-project/vllm/blob/main/tests/tool_parsers/test_gemma4_regex_and_bare_calls.py",
    seen: "`<|tool_call>:call:bash{…}`: a stray colon after the open tag",
    reply: text(`<|tool_call>:call:run_tests{}`),
    expected: ok(call("run_tests", {}), EPR),
  },
  {
    id: "gemma-fragmented-call-tag",
    family: "gemma",
    source: "https://github.com/vllm-project/vllm/blob/main/tests/tool_parsers/test_gemma4_regex_and_bare_calls.py",
    seen: "`<call>get_weather{city:<|\"|>Paris<|\"|>}`: fragmented special token from multimodal inputs",
    reply: text(`<call>list_files{path:${Q}src${Q}}`),
    expected: ok(call("list_files", { path: "src" }), EPR),
  },
  {
    id: "gemma-marker-lost",
    family: "gemma",
    source: "https://github.com/mattn/tensai/pull/217",
    seen: "a small model writes the call body in Gemma 4's spelling and forgets the <|tool_call>call: in front of it",
    reply: text(`I'll open the parser.\nread_file{path:${Q}src/parse.ts${Q},start_line:10,end_line:30}`),
    expected: ok(call("read_file", { path: "src/parse.ts", start_line: 10, end_line: 30 }), EPR),
  },
  {
    id: "gemma-single-quoted-values",
    family: "gemma",
    source: "https://github.com/jundot/omlx/pull/1854",
    seen: "single-quoted argument values with commas inside: `call:…create-pdf-file{filename: 'output.pdf', …}`",
    reply: text(`<|tool_call>call:write_file{path:'notes/todo.md',content:'- fix parseDate, then test'}<tool_call|>`),
    expected: ok(call("write_file", { path: "notes/todo.md", content: "- fix parseDate, then test" }), EPR),
  },
  {
    id: "gemma-json-quoted-brace-inside",
    family: "gemma",
    source: "https://github.com/jundot/omlx/pull/1854",
    seen: "`call:ns:create{\"content\": \"has } brace\"}`: JSON double-quoted strings holding a brace",
    reply: text(`call:write_file{"path": "src/a.ts", "content": "if (x) { return 1; }"}`),
    expected: ok(call("write_file", { path: "src/a.ts", content: "if (x) { return 1; }" }), EPR),
  },
  {
    id: "gemma-missing-commas",
    family: "gemma",
    source: "https://github.com/hybridgroup/yzma/pull/243",
    seen: "`command:<|\"|>look<|\"|>angle:90`: no comma between arguments",
    reply: text(`<|tool_call>call:edit_file{path:${Q}src/date.ts${Q}old_text:${Q}a > b${Q}new_text:${Q}a >= b${Q}}<tool_call|>`),
    expected: ok(call("edit_file", { path: "src/date.ts", old_text: "a > b", new_text: "a >= b" }), EPR),
  },
  {
    id: "gemma-parenthesized-kwargs",
    family: "gemma",
    source: "https://github.com/jundot/omlx/pull/1886",
    seen: "under a dense prompt Gemma 4 drifts to `call:name(key=value, …)`",
    reply: text(`<|tool_call>call:search(pattern=${Q}parseDate${Q}, path=${Q}src${Q})<tool_call|>`),
    expected: ok(call("search", { pattern: "parseDate", path: "src" }), EPR),
  },
  {
    id: "gemma-equals-instead-of-colon",
    family: "gemma",
    source: "https://github.com/ollama/ollama/issues/17882",
    seen: "`save_as='report.docx'` instead of `save_as:<|\"|>report.docx<|\"|>`, always on the second or later argument",
    reply: text(`<|tool_call>call:write_file{path:${Q}docs/report.md${Q},content='# Report'}<tool_call|>`),
    expected: ok(call("write_file", { path: "docs/report.md", content: "# Report" }), EPR),
  },
  {
    id: "gemma-missing-opening-delimiter",
    family: "gemma",
    source: "https://github.com/sgl-project/sglang/pull/39240",
    seen: "`{query:weather in Tokyo<|\"|>}`: the opening <|\"|> omitted, the closing one kept",
    reply: text(`<|tool_call>call:search{pattern:parse date${Q}}<tool_call|>`),
    expected: ok(call("search", { pattern: "parse date" }), EPR),
  },
  {
    id: "gemma-missing-opening-delimiter-comma",
    family: "gemma",
    source: "https://github.com/sgl-project/sglang/pull/39240",
    seen: "`query:Paris, France<|\"|>,limit:5`: a value with a comma split into bogus keys by naive parsers",
    reply: text(`<|tool_call>call:search{pattern:a, b${Q},path:${Q}src${Q}}<tool_call|>`),
    expected: ok(call("search", { pattern: "a, b", path: "src" }), EPR),
  },
  {
    id: "gemma-plain-json-quotes",
    family: "gemma",
    source: "https://github.com/vllm-project/vllm/issues/51284",
    seen: "values written in plain JSON or Python syntax instead of <|\"|>: `data_refs:[\"ds_…\"]`, `opts:{\"mode\": \"fast\"}`",
    reply: text(`<|tool_call>call:read_file{path:"src/parse.ts"}<tool_call|>`),
    expected: ok(READ, EPR),
  },
  {
    id: "gemma-missing-closing-brace",
    family: "gemma",
    source: "https://github.com/NousResearch/hermes-agent/pull/7449",
    seen: "truncated or unclosed calls handled by graceful degradation; here the closing brace is missing before <tool_call|>",
    reply: text(`<|tool_call>call:read_file{path:${Q}src/parse.ts${Q}<tool_call|>`),
    expected: ok(READ, EPR),
  },
  {
    id: "gemma-in-fence",
    family: "gemma",
    source: "https://github.com/NousResearch/hermes-agent/pull/7449",
    seen: "tool call markup embedded in message.content, here inside a code fence",
    reply: text(`${F}\n<|tool_call>call:run_tests{}<tool_call|>\n${F}`),
    expected: ok(call("run_tests", {}), ["stripped_fence", "extracted_from_prose"]),
  },
  {
    id: "gemma-namespaced-name",
    family: "gemma",
    source: "https://github.com/vllm-project/vllm/blob/main/tests/tool_parsers/test_gemma4_regex_and_bare_calls.py",
    seen: "dotted tool names in the bare fallback: `call:fs.read_file{path:<|\"|>/work/Makefile<|\"|>}`",
    reply: text(`call:fs.read_file{path:${Q}Makefile${Q}}`),
    expected: ok(call("read_file", { path: "Makefile" }), ["extracted_from_prose", "repaired_json", "mapped_alias"]),
  },
  {
    id: "gemma-unterminated-string",
    family: "gemma",
    source: "https://github.com/vllm-project/vllm/blob/main/tests/tool_parsers/test_gemma4_tool_parser.py",
    seen: "incomplete call `<|tool_call>call:get_weather{location:<|\"|>London`: no end marker",
    reply: text(`<|tool_call>call:read_file{path:${Q}src/par`),
    expected: reask("truncated", ["cut off"]),
  },
  {
    id: "gemma-unknown-tool",
    family: "gemma",
    source: "https://github.com/vllm-project/vllm/blob/main/tests/tool_parsers/test_gemma4_regex_and_bare_calls.py",
    seen: "`<|tool_call>call:bash{command:<|\"|>ls -la /work<|\"|>}<tool_call|>`",
    reply: text(`<|tool_call>call:bash{command:${Q}ls -la /work${Q}}<tool_call|>`),
    expected: reask("unknown_tool", ["bash", "Gemma", "no shell"]),
  },
  {
    id: "gemma-missing-required-arg",
    family: "gemma",
    source: "https://github.com/ollama/ollama/issues/17882",
    seen: "a drifted argument is lost by the server's repair; the call must not run without it",
    reply: text(`<|tool_call>call:edit_file{path:${Q}src/date.ts${Q},old_text:${Q}a > b${Q}}<tool_call|>`),
    expected: reask("missing_arg", ["new_text", "Gemma"]),
  },
];

const QWEN_XML: CorpusCase[] = [
  {
    id: "qwen-orphan-closer",
    family: "qwen-xml",
    source: "https://github.com/ollama/ollama/issues/16686",
    seen: "`<function=Read>\\n<parameter=file_path>…</parameter>\\n</function>\\n</tool_call>`: no opening <tool_call>, a trailing </tool_call>",
    reply: text(`<function=read_file>\n<parameter=path>\nsrc/parse.ts\n</parameter>\n</function>\n</tool_call>`),
    expected: ok(READ, EP),
  },
  {
    id: "qwen-prose-then-bare-function",
    family: "qwen-xml",
    source: "https://github.com/ollama/ollama/issues/18530",
    seen: "a sentence of reasoning, a blank line, then `<function=glob>…</function>\\n</tool_call>` without the opener",
    reply: text(`I'll look for the definition first.\n\n<function=search>\n<parameter=pattern>\nparseDate\n</parameter>\n</function>\n</tool_call>`),
    expected: ok(call("search", { pattern: "parseDate" }), EP),
  },
  {
    id: "qwen-dropped-parameter-close",
    family: "qwen-xml",
    source: "https://github.com/ollama/ollama/pull/17914",
    seen: "under long context the model stops emitting </parameter>: `element <parameter> closed by </function>`",
    reply: text(`<tool_call>\n<function=write_file>\n<parameter=path>\nsrc/one.ts\n<parameter=content>\nexport const one = 1;\n</function>\n</tool_call>`),
    expected: ok(call("write_file", { path: "src/one.ts", content: "export const one = 1;" }), EP),
  },
  {
    id: "qwen-parameter-closed-by-function",
    family: "qwen-xml",
    source: "https://github.com/ollama/ollama/issues/17276",
    seen: "qwen3coder.go: XML syntax error: element <parameter> closed by </function>",
    reply: text(`<tool_call>\n<function=read_file>\n<parameter=path>\nsrc/parse.ts\n</function>\n</tool_call>`),
    expected: ok(READ, EP),
  },
  {
    id: "qwen-stray-function-invocation-closer",
    family: "qwen-xml",
    source: "https://github.com/QwenLM/Qwen3.8/issues/178",
    seen: "an extra </function> and a stray </function_invocation> with no matching open",
    reply: text(`<tool_call>\n<function=run_tests>\n</function>\n</function>\n</function_invocation>\n</tool_call>`),
    expected: ok(call("run_tests", {}), EP),
  },
  {
    id: "qwen-no-newline-before-close-then-second-call",
    family: "qwen-xml",
    source: "https://github.com/ggml-org/llama.cpp/issues/26763",
    seen: "the value ends `…</parameter>` without the leading newline; a strict parser swallows the following tool calls into it",
    reply: text(`<tool_call>\n<function=read_file>\n<parameter=path>\nsrc/parse.ts</parameter>\n</function>\n</tool_call>\n<tool_call>\n<function=read_file>\n<parameter=path>\nsrc/date.ts\n</parameter>\n</function>\n</tool_call>`),
    expected: ok(READ, EP, true),
  },
  {
    id: "qwen-broken-function-header",
    family: "qwen-xml",
    source: "https://github.com/Deveraux-Parker/Qwen3-Coder-30B-A3B-Monkey-Wrenches/blob/main/EDGE_CASES.md",
    seen: "Qwen3-Coder-30B, ~15% of replies: `<function=calculator</function>` then the parameters, then </tool_call>",
    reply: text(`<function=write_file</function>\n<parameter=path>notes.txt</parameter>\n<parameter=content>done</parameter>\n</tool_call>`),
    expected: ok(call("write_file", { path: "notes.txt", content: "done" }), EPR),
  },
  {
    id: "qwen-equals-parameter",
    family: "qwen-xml",
    source: "https://github.com/Deveraux-Parker/Qwen3-Coder-30B-A3B-Monkey-Wrenches/blob/main/EDGE_CASES.md",
    seen: "~8%: `<parameter=operation=multiply</parameter>`",
    reply: text(`<tool_call>\n<function=search>\n<parameter=pattern=parseDate</parameter>\n<parameter=path=src</parameter>\n</function>\n</tool_call>`),
    expected: ok(call("search", { pattern: "parseDate", path: "src" }), EP),
  },
  {
    id: "qwen-value-after-empty-parameter",
    family: "qwen-xml",
    source: "https://github.com/Deveraux-Parker/Qwen3-Coder-30B-A3B-Monkey-Wrenches/blob/main/EDGE_CASES.md",
    seen: "~3%: `<parameter=body></parameter>` followed by the value outside the tag",
    reply: text(`<tool_call>\n<function=write_file>\n<parameter=path>notes.txt</parameter>\n<parameter=content></parameter>\nDear John, please find the report attached.\n</function>\n</tool_call>`),
    expected: reask("invalid_json", ["outside", "content"]),
  },
  {
    id: "qwen-tool-call-name-without-function-tag",
    family: "qwen-xml",
    source: "https://github.com/OpenHands/software-agent-sdk/pull/5033",
    seen: "`<tool_call>terminal\\n<parameter=command>ls</parameter>\\n</tool_call>`: the name in place of <function=…>",
    reply: text(`<tool_call>search\n<parameter=pattern>parseDate</parameter>\n</tool_call>`),
    expected: ok(call("search", { pattern: "parseDate" }), EPR),
  },
  {
    id: "qwen-dotted-name",
    family: "qwen-xml",
    source: "https://github.com/AtomicBot-ai/atomic-agent/issues/105",
    seen: "`<function=os.fs.read>` with a dotted, human-facing name",
    reply: text(`<tool_call>\n<function=fs.read_file>\n<parameter=path>README.md</parameter>\n</function>\n</tool_call>`),
    expected: ok(call("read_file", { path: "README.md" }), EPM),
  },
  {
    id: "qwen-cut-off",
    family: "qwen-xml",
    source: "https://github.com/ollama/ollama/pull/17914",
    seen: "`XML syntax error on line 21: unexpected EOF` on a long file write",
    reply: text(`<tool_call>\n<function=write_file>\n<parameter=path>\nsrc/big.ts\n</parameter>\n<parameter=content>\nexport function`, "length"),
    expected: reask("truncated", ["cut off"]),
  },
];

const XML_WRAPPERS: CorpusCase[] = [
  {
    id: "xml-function-tag-then-json",
    family: "xml-wrapper",
    source: "https://github.com/madroidmaq/mlx-omni-server/issues/126",
    seen: "`<tool_call>\\n<function>terminal</function>\\n{\"command\": \"lsof -i :10240\"}\\n</tool_call>`: name in a tag, bare JSON arguments",
    reply: text(`Let me check the parser...\n<tool_call>\n<function>read_file</function>\n{"path": "src/parse.ts"}\n</tool_call>`),
    expected: ok(READ, EPM),
  },
  {
    id: "xml-function-tag-unknown",
    family: "xml-wrapper",
    source: "https://github.com/madroidmaq/mlx-omni-server/issues/126",
    seen: "the same shape naming a shell tool",
    reply: text(`<tool_call>\n<function>terminal</function>\n{"command": "lsof -i :10240"}\n</tool_call>`),
    expected: reask("unknown_tool", ["terminal", "XML"]),
  },
  {
    id: "xml-toolcall-tool-element-json",
    family: "xml-wrapper",
    source: "https://github.com/sipeed/picoclaw/pull/2104",
    seen: "`<toolcall><shell>{\"command\":\"pwd && ls -la\"}</shell></toolcall>`: the tool's name as the element, JSON inside",
    reply: text(`<toolcall><read_file>{"path":"src/parse.ts"}</read_file></toolcall>`),
    expected: ok(READ, EPM),
  },
  {
    id: "xml-toolcall-shell",
    family: "xml-wrapper",
    source: "https://github.com/sipeed/picoclaw/pull/2104",
    seen: "the original `<toolcall><shell>…</shell></toolcall>`",
    reply: text(`<toolcall><shell>{"command":"pwd && ls -la"}</shell></toolcall>`),
    expected: reask("unknown_tool", ["shell", "no shell"]),
  },
  {
    id: "xml-tool-element-json-no-wrapper",
    family: "xml-wrapper",
    source: "https://github.com/zephel01/CodeRouter/pull/40",
    seen: "live replies at default temperature: `<tool_name>{json}</tool_name>` wrappers",
    reply: text(`<search>{"pattern": "parseDate", "path": "src"}</search>`),
    expected: ok(call("search", { pattern: "parseDate", path: "src" }), EPM),
  },
  {
    id: "xml-cline-style",
    family: "xml-wrapper",
    source: "https://github.com/irreg/native_tool_call_adapter/issues/15",
    seen: "Cline's format: the tool name as the element, each parameter its own element (`<actual_tool_name><parameter1_name>value1</parameter1_name>`)",
    reply: text(`I need to see the parser.\n<read_file>\n<path>src/parse.ts</path>\n</read_file>`),
    expected: ok(READ, EPM),
  },
  {
    id: "xml-cline-attempt-completion",
    family: "xml-wrapper",
    source: "https://github.com/irreg/native_tool_call_adapter/issues/15",
    seen: "the same format for attempt_completion, the tool a Cline-trained model reaches for at the end",
    reply: text(`<attempt_completion>\n<result>Fixed the off-by-one in parseDate.</result>\n</attempt_completion>`),
    expected: ok(call("finish", { summary: "Fixed the off-by-one in parseDate." }), EPM),
  },
  {
    id: "xml-indented-elements",
    family: "xml-wrapper",
    source: "https://github.com/minpeter/ai-sdk-tool-call-middleware/issues/51",
    seen: "`<tool_name>\\n  <parameter_name>\\n    value\\n  </parameter_name>\\n</tool_name>`",
    reply: text(`<search>\n  <pattern>\n    parseDate\n  </pattern>\n</search>`),
    expected: ok(call("search", { pattern: "parseDate" }), EPM),
  },
  {
    id: "xml-fenced-nested-command",
    family: "xml-wrapper",
    source: "https://github.com/g0t4/ask-openai.nvim/blob/main/lua/ask-openai/tools/ollama-tool-call.md",
    seen: "qwen2.5-coder via Ollama /v1: ```xml fence holding <command><run_command><command>ls -l</command></run_command></command>",
    reply: text(`${F}xml\n<command>\n  <read_file>\n    <path>src/parse.ts</path>\n  </read_file>\n</command>\n${F}`),
    expected: ok(READ, ["stripped_fence", "extracted_from_prose", "mapped_alias"]),
  },
  {
    id: "xml-fenced-nested-unknown",
    family: "xml-wrapper",
    source: "https://github.com/g0t4/ask-openai.nvim/blob/main/lua/ask-openai/tools/ollama-tool-call.md",
    seen: "the original: no element names a tool of this task",
    reply: text(`${F}\nxml\n<command>\n  <run_command>\n    <command>ls -l</command>\n  </run_command>\n</command>\n${F}`),
    expected: reask("no_call", ["no tool call"]),
  },
  {
    id: "xml-function-name-attr-param",
    family: "xml-wrapper",
    source: "https://github.com/jundot/omlx/issues/3429",
    seen: "MiniCPM5: content is exactly `<function name=\"get_weather\"><param name=\"location\">Rome</param></function>`",
    reply: text(`<function name="read_file"><param name="path">src/parse.ts</param></function>`),
    expected: ok(READ, EPM),
  },
  {
    id: "xml-tool-name-arguments",
    family: "xml-wrapper",
    source: "https://github.com/vybestack/llxprt-code/blob/main/project-plans/multi-provider/24-implement-tool-formatter-xml.md",
    seen: "generic XML seen from models: `<tool>\\n  <name>search</name>\\n  <arguments>\\n    <query>climate change</query>\\n  </arguments>\\n</tool>`",
    reply: text(`<tool>\n  <name>search</name>\n  <arguments>\n    <pattern>parseDate</pattern>\n  </arguments>\n</tool>`),
    expected: ok(call("search", { pattern: "parseDate" }), EPM),
  },
  {
    id: "xml-function-call-name-arguments-json",
    family: "xml-wrapper",
    source: "https://github.com/vybestack/llxprt-code/blob/main/project-plans/multi-provider/24-implement-tool-formatter-xml.md",
    seen: "name and arguments as child elements of an invented call element, the arguments as JSON",
    reply: text(`<function_call><name>read_file</name><arguments>{"path": "src/parse.ts", "start_line": 5}</arguments></function_call>`),
    expected: ok(call("read_file", { path: "src/parse.ts", start_line: 5 }), EPM),
  },
  {
    id: "xml-template-placeholder-tags",
    family: "xml-wrapper",
    source: "https://github.com/InternLM/lmdeploy/issues/3840",
    seen: "the Qwen template's placeholders `{\"name\": <function-name>, \"arguments\": <args-json-object>}`, which models echo as tags",
    reply: text(`<function-name>read_file</function-name>\n<args-json-object>{"path": "src/parse.ts"}</args-json-object>`),
    expected: ok(READ, EPM),
  },
  {
    id: "xml-invoke-parameters-missing-arg",
    family: "xml-wrapper",
    source: "https://github.com/gptme/gptme/issues/749",
    seen: "`<function_calls>\\n<invoke name=\"complete\">\\n</invoke>\\n</function_calls>`: a call with no parameters",
    reply: text(`<function_calls>\n<invoke name="finish">\n</invoke>\n</function_calls>`),
    expected: reask("missing_arg", ["summary"]),
  },
];

const SELF_CLOSING: CorpusCase[] = [
  {
    id: "self-closing-attributes",
    family: "self-closing",
    source: "https://github.com/zephel01/CodeRouter/pull/40",
    seen: "XML-flavoured forms gated on the allowed tool names: the `<tool_name attr=…/>` attribute form",
    reply: text(`<read_file path="src/parse.ts" start_line="1" end_line="40"/>`),
    expected: ok(call("read_file", { path: "src/parse.ts", start_line: 1, end_line: 40 }), EPM),
  },
  {
    id: "self-closing-in-prose",
    family: "self-closing",
    source: "https://github.com/zephel01/CodeRouter/pull/40",
    seen: "the attribute form after a sentence",
    reply: text(`Let me look at the parser first. <read_file path="src/parse.ts" />`),
    expected: ok(READ, EPM),
  },
  {
    id: "self-closing-invoke",
    family: "self-closing",
    source: "https://github.com/anthropics/anthropic-sdk-python/issues/1187",
    seen: "the model falls back to an XML-style invocation `<invoke name=\"…\" />`",
    reply: text(`<invoke name="run_tests" />`),
    expected: ok(call("run_tests", {}), EPM),
  },
  {
    id: "self-closing-invoke-unknown",
    family: "self-closing",
    source: "https://github.com/anthropics/anthropic-sdk-python/issues/1187",
    seen: "the same fallback naming a tool that is not offered",
    reply: text(`<invoke name="execute_bash" command="npm test" />`),
    expected: reask("unknown_tool", ["execute_bash", "no shell"]),
  },
  {
    id: "element-attribute-and-body",
    family: "self-closing",
    source: "https://github.com/EdgeOfAssembly/AXE/blob/main/docs/archive/implementation-summaries/MULTI_FORMAT_PARSER_QUICK_REFERENCE.md",
    seen: "`<write_file path=\"/tmp/output.txt\">Content here</write_file>` and `<read_file>/path/to/file.txt</read_file>`",
    reply: text(`<write_file path="notes.txt">Remember to run the tests.</write_file>`),
    expected: ok(call("write_file", { path: "notes.txt", content: "Remember to run the tests." }), EPM),
  },
  {
    id: "element-body-only",
    family: "self-closing",
    source: "https://github.com/EdgeOfAssembly/AXE/blob/main/docs/archive/implementation-summaries/MULTI_FORMAT_PARSER_QUICK_REFERENCE.md",
    seen: "`<read_file>/path/to/file.txt</read_file>`: the one argument as the element's text",
    reply: text(`<read_file>src/parse.ts</read_file>`),
    expected: ok(READ, EPM),
  },
  {
    id: "self-closing-missing-arg",
    family: "self-closing",
    source: "https://github.com/zephel01/CodeRouter/pull/40",
    seen: "repaired calls still go through the tool's own validation",
    reply: text(`<edit_file path="src/date.ts" old_text="a &gt; b" />`),
    expected: reask("missing_arg", ["new_text"]),
  },
];

const JSON_RPC: CorpusCase[] = [
  {
    id: "jsonrpc-fenced",
    family: "json-rpc",
    source: "https://github.com/ollama/ollama/issues/5976",
    seen: "mistral-nemo:12b q4_1 wraps `{\"jsonrpc\": \"2.0\", \"method\": \"eval\", \"params\": {…}}` in a fence instead of calling the tool",
    reply: text(`${F}\n{\n  "jsonrpc": "2.0",\n  "method": "search",\n  "params": {\n    "pattern": "parseDate"\n  }\n}\n${F}`),
    expected: ok(call("search", { pattern: "parseDate" }), ["stripped_fence", "mapped_alias"]),
  },
  {
    id: "jsonrpc-unknown-method",
    family: "json-rpc",
    source: "https://github.com/ollama/ollama/issues/5976",
    seen: "the original: a calculator method that is not a tool here",
    reply: text(`{\n  "jsonrpc": "2.0",\n  "method": "eval",\n  "params": {\n    "expression": "5234 / 6453 * 23456"\n  }\n}`),
    expected: reask("unknown_tool", ["eval", "JSON-RPC"]),
  },
  {
    id: "jsonrpc-mcp-tools-call",
    family: "json-rpc",
    source: "https://github.com/huggingface/mcp-course/issues/54",
    seen: "MCP's `{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"tools/call\", \"params\": {\"name\": …, \"arguments\": {…}}}`",
    reply: text(`{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "read_file", "arguments": {"path": "src/parse.ts"}}}`),
    expected: ok(READ, ["mapped_alias"]),
  },
  {
    id: "jsonrpc-mcp-param-typo",
    family: "json-rpc",
    source: "https://github.com/modelcontextprotocol/ruby-sdk/issues/110",
    seen: "`{\"jsonrpc\":\"2.0\",\"id\":\"2\",\"method\":\"tools/call\", \"param\":{\"name\":\"example_tool\"}}`",
    reply: text(`{"jsonrpc":"2.0","id":"2","method":"tools/call", "param":{"name":"run_tests"}}`),
    expected: ok(call("run_tests", {}), ["mapped_alias"]),
  },
  {
    id: "jsonrpc-in-prose",
    family: "json-rpc",
    source: "https://github.com/smagafurov/fastapi-jsonrpc/issues/69",
    seen: "`{\"id\": 1, \"jsonrpc\": \"2.0\", \"method\": \"wikipedia\", \"params\": {\"query\": \"cars\"}}`",
    reply: text(`I'll list the sources now: {"id": 3, "jsonrpc": "2.0", "method": "list_files", "params": {"path": "src"}}`),
    expected: ok(call("list_files", { path: "src" }), EPM),
  },
  {
    id: "jsonrpc-cut-off",
    family: "json-rpc",
    source: "https://github.com/ollama/ollama/issues/5976",
    seen: "the envelope cut off inside a string argument",
    reply: text(`{"jsonrpc": "2.0", "method": "write_file", "params": {"path": "src/a.ts", "content": "export const a = `),
    expected: reask("truncated", ["cut off"]),
  },
];

const NEAR_KEYS: CorpusCase[] = [
  {
    id: "keys-leading-space",
    family: "near-keys",
    source: "https://github.com/mistralai/mistral-common/issues/43",
    seen: "a word-initial SentencePiece token (`▁arguments`) sampled inside a key decodes to a key with a leading space",
    reply: text(`{" name": "read_file", " arguments": {" path": "src/parse.ts"}}`),
    expected: ok(READ, ["mapped_alias"]),
  },
  {
    id: "keys-trailing-space",
    family: "near-keys",
    source: "https://github.com/mistralai/mistral-common/issues/43",
    seen: "the same artifact at the end of keys",
    reply: text(`{"tool": "read_file", "args ": {"path ": "src/parse.ts", "start_line ": 3}}`),
    expected: ok(call("read_file", { path: "src/parse.ts", start_line: 3 }), ["mapped_alias"]),
  },
  {
    id: "keys-spaced-in-fence-with-prose",
    family: "near-keys",
    source: "https://github.com/mistralai/mistral-common/issues/43",
    seen: "spaced keys in a fenced dump after a sentence",
    reply: text(`Here is the call:\n${F}json\n{ "tool": "search", " args": { " pattern": "parseDate" } }\n${F}`),
    expected: ok(call("search", { pattern: "parseDate" }), ["stripped_fence", "extracted_from_prose", "mapped_alias"]),
  },
  {
    id: "keys-unquoted",
    family: "near-keys",
    source: "https://github.com/tinyhumansai/tinyagents/pull/68",
    seen: "gateways that fail to detokenize a template cleanly: `{tool:\"X\",arguments:{guild_id:\"Y\"}}`",
    reply: text(`{tool:"read_file",args:{path:"src/parse.ts"}}`),
    expected: ok(READ, ["repaired_json"]),
  },
  {
    id: "keys-redundant-braces",
    family: "near-keys",
    source: "https://github.com/tinyhumansai/tinyagents/pull/68",
    seen: "redundant wrapping braces `{{tool:\"X\",arguments:{…}}}`, growing as the model retries",
    reply: text(`{{"tool": "read_file", "args": {"path": "src/parse.ts"}}}`),
    expected: ok(READ, ["extracted_from_prose"]),
  },
  {
    id: "keys-leaked-quote-tokens",
    family: "near-keys",
    source: "https://github.com/tinyhumansai/tinyagents/pull/68",
    seen: "leaked chat-template quote tokens `[<|\">discord<|\">]` in place of `[\"discord\"]` (Kimi-family models)",
    reply: text(`{"tool": "search", "args": {"pattern": <|">parseDate<|">}}`),
    expected: ok(call("search", { pattern: "parseDate" }), ["repaired_json"]),
  },
  {
    id: "keys-dropped-closing-quote",
    family: "near-keys",
    source: "https://github.com/MatterAIOrg/OrbCode/pull/52",
    seen: "keys with dropped closing quotes (`\"offset: 600`)",
    reply: text(`{"tool": "read_file", "args": {"path": "src/parse.ts", "start_line: 10}}`, "stop"),
    expected: reask("invalid_json", ["not valid JSON", "quote is missing"]),
  },
  {
    id: "keys-spaced-tool-value",
    family: "near-keys",
    source: "https://github.com/zephel01/CodeRouter/pull/40",
    seen: "double braces and key aliases in live replies; here stray spaces around the names",
    reply: text(`{"name": " read_file ", "parameters": {"file_path ": "src/parse.ts"}}`),
    expected: ok(READ, ["mapped_alias"]),
  },
];

export const REAL_REPLIES: readonly CorpusCase[] = [...HARMONY, ...MISTRAL, ...GEMMA, ...QWEN_XML, ...XML_WRAPPERS, ...SELF_CLOSING, ...JSON_RPC, ...NEAR_KEYS];
