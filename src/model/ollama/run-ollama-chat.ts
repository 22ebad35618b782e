import type { ChatRequest, ChatResponse, Ollama } from "ollama";
import type { ModelRequestGuard } from "../guard-model-request.js";
import type { ModelReply, NativeToolCall } from "../types.js";

/** `/api/chat` body: the client's type lacks `truncate`/`shift` (Ollama ≥ 0.12.6), which it forwards as-is. */
export interface OllamaChatBody extends ChatRequest {
  /** false: refuse a prompt longer than num_ctx instead of dropping old messages. */
  truncate: boolean;
  /** false: stop at num_ctx instead of shifting the window mid-generation. */
  shift: boolean;
}

/**
 * One `/api/chat` call, streamed (NDJSON) or not, read into a reply. Every piece of text goes
 * through the guard as it arrives: it stops a runaway reply at the cap and knows an idle stream.
 */
export function runOllamaChat(params: { client: Ollama; body: OllamaChatBody; stream: boolean; guard: ModelRequestGuard }): Promise<ReplyWithoutLatency> {
  return params.stream ? streamedChat(params.client, params.body, params.guard) : singleChat(params.client, params.body, params.guard);
}

export type ReplyWithoutLatency = Omit<ModelReply, "latencyMs">;

async function streamedChat(client: Ollama, body: OllamaChatBody, guard: ModelRequestGuard): Promise<ReplyWithoutLatency> {
  const streamed: OllamaChatBody & { stream: true } = { ...body, stream: true };
  const chunks = await client.chat(streamed);
  let content = "";
  let thinking = "";
  const toolCalls: NativeToolCall[] = [];
  let final: ChatResponse | undefined;
  // Since Ollama 0.8 each tool call arrives whole in one chunk, so calls are appended, not merged.
  for await (const chunk of chunks) {
    const calls = (chunk.message?.tool_calls ?? []).map(toNativeToolCall);
    guard.text(chunk.message?.content ?? "");
    guard.text(chunk.message?.thinking ?? "");
    if (calls.length > 0) guard.text(JSON.stringify(calls));
    content += chunk.message?.content ?? "";
    thinking += chunk.message?.thinking ?? "";
    toolCalls.push(...calls);
    if (chunk.done) final = chunk;
  }
  return toReply({ content, thinking, toolCalls, final });
}

async function singleChat(client: Ollama, body: OllamaChatBody, guard: ModelRequestGuard): Promise<ReplyWithoutLatency> {
  const single: OllamaChatBody & { stream: false } = { ...body, stream: false };
  const response = await client.chat(single);
  const toolCalls = (response.message?.tool_calls ?? []).map(toNativeToolCall);
  guard.text(response.message?.content ?? "");
  guard.text(response.message?.thinking ?? "");
  if (toolCalls.length > 0) guard.text(JSON.stringify(toolCalls));
  return toReply({ content: response.message?.content ?? "", thinking: response.message?.thinking ?? "", toolCalls, final: response });
}

function toNativeToolCall(call: { function: { name: string; arguments: unknown } }): NativeToolCall {
  return { function: { name: call.function.name, arguments: call.function.arguments } };
}

function toReply(parts: {
  content: string;
  thinking: string;
  toolCalls: NativeToolCall[];
  final: ChatResponse | undefined;
}): ReplyWithoutLatency {
  const reply: ReplyWithoutLatency = { content: parts.content };
  if (parts.toolCalls.length > 0) reply.toolCalls = parts.toolCalls;
  if (parts.thinking !== "") reply.thinking = parts.thinking;
  const final = parts.final;
  if (final?.done_reason) reply.doneReason = final.done_reason;
  if (typeof final?.prompt_eval_count === "number") reply.promptTokens = final.prompt_eval_count;
  if (typeof final?.eval_count === "number") reply.completionTokens = final.eval_count;
  // Nanoseconds. prompt_eval_count includes cached tokens; this time is what shows the cache.
  if (typeof final?.prompt_eval_duration === "number") reply.promptEvalMs = final.prompt_eval_duration / 1e6;
  if (typeof final?.eval_duration === "number") reply.evalMs = final.eval_duration / 1e6;
  return reply;
}
