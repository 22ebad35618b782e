import { z } from "zod";

/**
 * The tool protocol of DESIGN §3: one call per model reply, shaped
 * `{"thought"?: string, "tool": string, "args": object}`.
 *
 * These zod schemas are the single source of truth: validation, the JSON schema sent to
 * Ollama's `format` (grammar-constrained decoding) and the prompt's tool list all derive
 * from them, and `grammars/tool-call.gbnf` is tested against the same samples.
 */

/** A repo-relative path as the model writes it. */
const path = z.string().min(1).describe("repo-relative path, e.g. src/app.ts");

/** Optional free-text reasoning placed before the tool name, so it is generated first. */
const thought = z.string().optional().describe("one or two sentences: why this call");

/**
 * Under a grammar the thought is required. llama.cpp's JSON-schema-to-grammar converter (behind
 * Ollama's `format` and llama-server's `json_schema`) puts required keys first, so an optional
 * thought could only come after the args: on a real Ollama the model was never allowed to think
 * before it acted, while our own GBNF let it. Required, it is first on every route, as the prompt asks.
 */
const constrainedThought = z.string().describe("one or two sentences: why this call");

function call<const N extends string, A extends z.ZodRawShape>(tool: N, args: A) {
  return z
    .object({
      thought,
      /** The tool to run. */
      tool: z.literal(tool),
      /** The tool's arguments; unknown keys are an error so that typos surface. */
      args: z.strictObject(args),
    })
    .strict();
}

export const ListFilesCall = call("list_files", {
  /** Folder to list, repo-relative; the whole repository when absent. */
  path: z.string().optional().describe("folder to list; whole repo when absent"),
});

export const ReadFileCall = call("read_file", {
  /** File to read, repo-relative. */
  path,
  /** First line to show, 1-based, inclusive. */
  start_line: z.int().min(1).optional().describe("first line, 1-based"),
  /** Last line to show, 1-based, inclusive. */
  end_line: z.int().min(1).optional().describe("last line, inclusive"),
});

export const SearchCall = call("search", {
  /** A regular expression (JavaScript syntax) or, when it does not compile, a literal string. */
  pattern: z.string().min(1).describe("regex or literal text"),
  /** Folder or file to search in, repo-relative; the whole repository when absent. */
  path: z.string().optional().describe("folder or file; whole repo when absent"),
});

export const EditFileCall = call("edit_file", {
  /** File to edit, repo-relative; must be one of the allowed files. */
  path,
  /** Text that must occur exactly once in the file, copied verbatim including indentation. */
  old_text: z.string().min(1).describe("exact text to replace; must occur once"),
  /** Replacement text. */
  new_text: z.string().describe("replacement text"),
});

export const WriteFileCall = call("write_file", {
  /** File to create or replace, repo-relative; must be one of the allowed files. */
  path,
  /** The whole new content of the file. */
  content: z.string().describe("the complete file content"),
});

export const RunTestsCall = call("run_tests", {});

export const FinishCall = call("finish", {
  /** What was changed and why, for the pull request. */
  summary: z.string().min(1).describe("what you changed and why"),
});

export const AnswerCall = call("answer", {
  /** The answer to the question task. */
  text: z.string().min(1).describe("the answer"),
});

export const TOOL_CALL_SCHEMAS = {
  list_files: ListFilesCall,
  read_file: ReadFileCall,
  search: SearchCall,
  edit_file: EditFileCall,
  write_file: WriteFileCall,
  run_tests: RunTestsCall,
  finish: FinishCall,
  answer: AnswerCall,
} as const;

export type ToolName = keyof typeof TOOL_CALL_SCHEMAS;
export const TOOL_NAMES = Object.keys(TOOL_CALL_SCHEMAS) as ToolName[];

export const ToolCallSchema = z.discriminatedUnion("tool", [
  ListFilesCall,
  ReadFileCall,
  SearchCall,
  EditFileCall,
  WriteFileCall,
  RunTestsCall,
  FinishCall,
  AnswerCall,
]);
export type ToolCall = z.infer<typeof ToolCallSchema>;
export type ToolCallOf<N extends ToolName> = Extract<ToolCall, { tool: N }>;

/**
 * The calls a grammar lets the model generate: the same as TOOL_CALL_SCHEMAS with the thought
 * required. Every such call is valid under TOOL_CALL_SCHEMAS (a test holds it to that).
 */
export const CONSTRAINED_CALL_SCHEMAS = {
  list_files: ListFilesCall.extend({ thought: constrainedThought }),
  read_file: ReadFileCall.extend({ thought: constrainedThought }),
  search: SearchCall.extend({ thought: constrainedThought }),
  edit_file: EditFileCall.extend({ thought: constrainedThought }),
  write_file: WriteFileCall.extend({ thought: constrainedThought }),
  run_tests: RunTestsCall.extend({ thought: constrainedThought }),
  finish: FinishCall.extend({ thought: constrainedThought }),
  answer: AnswerCall.extend({ thought: constrainedThought }),
} as const satisfies Record<ToolName, z.ZodType>;

/** Tools that read the checkout; question tasks get only these plus `answer`. */
export const READ_TOOLS = ["list_files", "read_file", "search"] as const satisfies readonly ToolName[];
/** Tools that change files. */
export const WRITE_TOOLS = ["edit_file", "write_file"] as const satisfies readonly ToolName[];

export const CHANGE_TOOLS: readonly ToolName[] = [...READ_TOOLS, ...WRITE_TOOLS, "run_tests", "finish"];
export const QUESTION_TOOLS: readonly ToolName[] = [...READ_TOOLS, "answer"];

export function isWriteTool(name: string): name is (typeof WRITE_TOOLS)[number] {
  return (WRITE_TOOLS as readonly string[]).includes(name);
}

/** The zod union over a subset of tools (a question task must not even be offered `edit_file`). */
export function toolCallSchemaFor(tools: readonly ToolName[]): z.ZodType<ToolCall> {
  const members = tools.map((name) => TOOL_CALL_SCHEMAS[name]);
  const [first, ...rest] = members;
  if (!first) throw new Error("toolCallSchemaFor: at least one tool is required");
  if (rest.length === 0) return first as z.ZodType<ToolCall>;
  return z.discriminatedUnion("tool", [first, ...rest]) as z.ZodType<ToolCall>;
}

/** The union of the constrained calls of a subset of tools: the language the grammars generate. */
export function constrainedCallSchemaFor(tools: readonly ToolName[]): z.ZodType {
  const [first, ...rest] = tools.map((name) => CONSTRAINED_CALL_SCHEMAS[name]);
  if (!first) throw new Error("constrainedCallSchemaFor: at least one tool is required");
  return rest.length === 0 ? first : z.discriminatedUnion("tool", [first, ...rest]);
}

/** JSON schema for grammar-constrained decoding (Ollama `format`, llama-server `json_schema`). */
export function toolCallJsonSchema(tools: readonly ToolName[]): Record<string, unknown> {
  const schema = z.toJSONSchema(constrainedCallSchemaFor(tools), { target: "draft-2020-12" }) as Record<string, unknown>;
  // The model server has no use for the meta-schema URL; leaving it out keeps the request small.
  delete schema.$schema;
  return schema;
}

/** Argument names per tool, with whether each is required: used by the prompt and the repair layer. */
export function toolArgNames(name: ToolName): { name: string; required: boolean; description: string }[] {
  const shape = TOOL_CALL_SCHEMAS[name].shape.args.shape as Record<string, z.ZodType>;
  return Object.entries(shape).map(([arg, schema]) => ({
    name: arg,
    required: !schema.safeParse(undefined).success,
    description: schema.description ?? "",
  }));
}
