import { z } from "zod";
import type { ModelReply } from "./types.js";

/**
 * One line of a replay transcript (DESIGN §3): one model call's raw reply. `content`, and
 * optionally Ollama-shaped `tool_calls` and `done_reason`, are the contract; the token counts
 * and latency are recorded too so replays reproduce context accounting.
 */
export const TranscriptLine = z.object({
  /** The raw text the model produced. */
  content: z.string(),
  /** Native tool calls in Ollama's shape. */
  tool_calls: z
    .array(z.object({ function: z.object({ name: z.string(), arguments: z.unknown() }) }))
    .optional(),
  /** Why generation stopped (`stop`, `length`, …). */
  done_reason: z.string().optional(),
  /** Prompt tokens the server evaluated. */
  prompt_eval_count: z.number().int().nonnegative().optional(),
  /** Tokens generated. */
  eval_count: z.number().int().nonnegative().optional(),
  /** What the call was for (`agent` or `summary`); informational. */
  purpose: z.string().optional(),
  /** Prompt tokens the server served from its KV cache, when it said. */
  cache_n: z.number().int().nonnegative().optional(),
  /** Server time on the prompt and on generation (ms), when it said. */
  prompt_eval_ms: z.number().nonnegative().optional(),
  eval_ms: z.number().nonnegative().optional(),
});
export type TranscriptLine = z.infer<typeof TranscriptLine>;

export function replyToTranscriptLine(reply: ModelReply, purpose: string): TranscriptLine {
  const line: TranscriptLine = { content: reply.content };
  if (reply.toolCalls?.length) line.tool_calls = reply.toolCalls.map((call) => ({ function: { ...call.function } }));
  if (reply.doneReason !== undefined) line.done_reason = reply.doneReason;
  if (reply.promptTokens !== undefined) line.prompt_eval_count = reply.promptTokens;
  if (reply.completionTokens !== undefined) line.eval_count = reply.completionTokens;
  line.purpose = purpose;
  if (reply.cachedPromptTokens !== undefined) line.cache_n = reply.cachedPromptTokens;
  if (reply.promptEvalMs !== undefined) line.prompt_eval_ms = reply.promptEvalMs;
  if (reply.evalMs !== undefined) line.eval_ms = reply.evalMs;
  return line;
}
