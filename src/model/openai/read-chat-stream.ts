import { EventSourceParserStream } from "eventsource-parser/stream";
import { ChatCompletionSchema } from "./openai-schemas.js";
import { accumulateChatReply, type ChatReplyParts } from "./accumulate-chat-reply.js";

export type StreamedChat =
  | { kind: "done"; parts: ChatReplyParts }
  /** The server sent an error object in the stream (it may have started answering already). */
  | { kind: "error"; error: unknown }
  /** The stream ended before `[DONE]` or a finish reason. */
  | { kind: "ended"; parts: ChatReplyParts }
  /** A `data:` event was not a chat chunk (an HTML page, another API). */
  | { kind: "not-chat"; data: string };

/**
 * Reads `POST /chat/completions` with `stream: true`: server-sent events whose `data:` is a
 * `chat.completion.chunk`, then `data: [DONE]`. Comments (`: ping`) are keep-alives. An error
 * arrives as a `data:` (or `event: error`) object with an `error` field. Every chunk goes
 * through one accumulator; this function only frames the events. `onText` sees each chunk's text
 * as it arrives (the request guard's idle limit and reply caps); it may throw to stop reading.
 */
export async function readChatStream(body: ReadableStream<Uint8Array>, onText: (piece: string) => void = () => undefined): Promise<StreamedChat> {
  const reply = accumulateChatReply();
  const events = body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
  const reader = events.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return reply.finished() ? { kind: "done", parts: reply.result() } : { kind: "ended", parts: reply.result() };
      const data = value.data.trim();
      if (data === "[DONE]") return { kind: "done", parts: reply.result() };
      if (data === "") continue;
      let message: unknown;
      try {
        message = JSON.parse(data);
      } catch {
        return { kind: "not-chat", data };
      }
      if (value.event === "error" || (typeof message === "object" && message !== null && "error" in message)) return { kind: "error", error: message };
      const chunk = ChatCompletionSchema.safeParse(message);
      if (!chunk.success) return { kind: "not-chat", data };
      onText(reply.add(chunk.data));
    }
  } finally {
    // Releases the connection when we return early (an error, or `[DONE]` before the server closed).
    await reader.cancel().catch(() => undefined);
  }
}
