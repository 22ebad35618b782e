/** What a streamed `/completion` amounts to: the joined text and the final message. */
export type StreamedCompletion =
  | { kind: "done"; content: string; final: Record<string, unknown> }
  /** The server sent an error object in the stream (it may have started answering already). */
  | { kind: "error"; error: unknown }
  /** The stream ended without a message carrying `stop: true`. */
  | { kind: "ended"; content: string };

/**
 * Reads llama-server's server-sent events for `POST /completion` with `stream: true`: lines
 * `data: {"content": "<piece>", "stop": false, …}`, then one `stop: true` message carrying
 * `stop_type`, `tokens_evaluated`, `truncated`, … (its `content` is empty when streaming).
 * Comment lines (`: ping`) are keep-alives; errors arrive as `data:` or `error:` lines whose
 * JSON has an `error` field. A stream that stops early is reported, not guessed around.
 */
export async function readCompletionStream(
  body: ReadableStream<Uint8Array>,
  /** Sees each piece of text as it arrives (the reply guard: caps, idle limit); may throw to stop reading. */
  onText: (piece: string) => void = () => undefined,
): Promise<StreamedCompletion> {
  let content = "";
  let buffered = "";
  const decoder = new TextDecoder();

  const handleLine = (line: string): StreamedCompletion | null => {
    const match = /^(data|error):\s?(.*)$/.exec(line.trimEnd());
    if (!match) return null;
    const payload = match[2] ?? "";
    if (payload === "" || payload === "[DONE]") return null;
    const message: unknown = JSON.parse(payload);
    if (typeof message !== "object" || message === null || Array.isArray(message)) return null;
    const record = message as Record<string, unknown>;
    if (match[1] === "error" || "error" in record) return { kind: "error", error: record };
    if (typeof record.content === "string") {
      onText(record.content);
      content += record.content;
    }
    if (record.stop === true) return { kind: "done", content, final: record };
    return null;
  };

  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffered += decoder.decode(value, { stream: !done });
      let newline = buffered.indexOf("\n");
      while (newline !== -1) {
        const result = handleLine(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
        if (result) return result;
        newline = buffered.indexOf("\n");
      }
      if (done) {
        const result = handleLine(buffered);
        return result ?? { kind: "ended", content };
      }
    }
  } finally {
    // Releases the connection when we return early (an error or the final message).
    await reader.cancel().catch(() => undefined);
  }
}
