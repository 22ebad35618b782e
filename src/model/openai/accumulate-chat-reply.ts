import type { NativeToolCall } from "../types.js";
import type { ChatCompletion, ToolCallPart } from "./openai-schemas.js";

/** Everything a chat completion amounts to, streamed or not. */
export interface ChatReplyParts {
  content: string;
  reasoning: string;
  toolCalls: NativeToolCall[];
  /** `finish_reason` of the choice, when the server sent one. */
  finishReason: string | null;
  promptTokens: number | undefined;
  completionTokens: number | undefined;
  /** Prompt tokens served from the server's cache (`usage.prompt_tokens_details.cached_tokens`, llama-server `timings.cache_n`). */
  cachedPromptTokens: number | undefined;
  /** Server time on the prompt and on generation (llama-server `timings`). */
  promptEvalMs: number | undefined;
  evalMs: number | undefined;
  /** The model name the server answered with. */
  model: string | null;
  /** `system_fingerprint` (llama-server: its build). */
  fingerprint: string | null;
}

/**
 * The one place a reply is put together: every chunk of a stream (or the single non-streamed
 * object) goes through `add`. Tool-call fragments are joined by `index`; a fragment's `arguments`
 * text is appended, its `name` set once (servers that send whole calls per chunk repeat it).
 * Token counts come from `usage`, else from llama-server's `timings`.
 */
export function accumulateChatReply() {
  let content = "";
  let reasoning = "";
  let finishReason: string | null = null;
  let usage: ChatCompletion["usage"] = null;
  let timings: ChatCompletion["timings"] = null;
  let model: string | null = null;
  let fingerprint: string | null = null;
  const calls = new Map<number, { name: string; args: string }>();

  const addToolCall = (part: ToolCallPart, position: number) => {
    const index = part.index ?? position;
    const call = calls.get(index) ?? { name: "", args: "" };
    const name = part.function?.name ?? "";
    if (name !== "" && call.name !== name) call.name = call.name === "" || part.id ? name : call.name + name;
    call.args += part.function?.arguments ?? "";
    calls.set(index, call);
  };

  return {
    /** Adds a chunk; returns the reply text it carried (content, reasoning, tool-call JSON), for the reply caps. */
    add(chunk: ChatCompletion): string {
      const choice = chunk.choices?.[0];
      const part = choice?.delta ?? choice?.message;
      const text = part?.content ?? "";
      const thought = part?.reasoning_content ?? part?.reasoning ?? "";
      content += text;
      reasoning += thought;
      (part?.tool_calls ?? []).forEach(addToolCall);
      finishReason = choice?.finish_reason ?? finishReason;
      usage = chunk.usage ?? usage;
      timings = chunk.timings ?? timings;
      model = chunk.model ?? model;
      fingerprint = chunk.system_fingerprint ?? fingerprint;
      return text + thought + (part?.tool_calls ?? []).map((call) => `${call.function?.name ?? ""}${call.function?.arguments ?? ""}`).join("");
    },
    /** A finish reason arrived: the reply is complete even if the stream lacks `[DONE]`. */
    finished: () => finishReason !== null,
    result(): ChatReplyParts {
      const cached = timings?.cache_n ?? 0;
      const promptFromTimings = timings?.prompt_n !== undefined ? timings.prompt_n + cached : undefined;
      return {
        content,
        reasoning,
        toolCalls: [...calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => ({ function: { name: call.name, arguments: parseArguments(call.args) } })),
        finishReason,
        promptTokens: usage?.prompt_tokens ?? promptFromTimings,
        completionTokens: usage?.completion_tokens ?? timings?.predicted_n,
        cachedPromptTokens: usage?.prompt_tokens_details?.cached_tokens ?? timings?.cache_n,
        promptEvalMs: timings?.prompt_ms,
        evalMs: timings?.predicted_ms,
        model,
        fingerprint,
      };
    },
  };
}

/** OpenAI sends arguments as JSON text; kept as text when it is not JSON, so the repair layer sees what came. */
function parseArguments(text: string): unknown {
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
