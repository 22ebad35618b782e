import type { ModelInfo, ModelReply } from "./types.js";

/**
 * A user-facing sentence for replies that came back fine at the HTTP level but cannot be used:
 * an empty reply, or one cut off by the token limit. Backends return these as ordinary replies
 * (they are the model's doing, not the server's); the loop turns this text into a retry prompt
 * and a report entry. `null` when the reply has no such problem.
 */
export function describeReplyProblem(reply: ModelReply, info: ModelInfo): string | null {
  const hasToolCalls = (reply.toolCalls?.length ?? 0) > 0;

  if (reply.doneReason === "length") {
    const limit = reply.completionTokens !== undefined ? `${reply.completionTokens} tokens` : "the token limit";
    const used = (reply.promptTokens ?? 0) + (reply.completionTokens ?? 0);
    const windowFull = info.numCtx !== null && reply.promptTokens !== undefined && used >= info.numCtx;
    const thinkingNote = reply.content.trim() === "" && reply.thinking ? " (all of it spent on thinking)" : "";
    if (windowFull) {
      return (
        `the reply was cut off at ${limit}${thinkingNote} (done_reason: length) because the context window ` +
        `(num_ctx ${info.numCtx}) was full: prompt ${reply.promptTokens} + reply ${reply.completionTokens ?? "?"} tokens. ` +
        (info.contextLength !== null && info.numCtx !== null && info.numCtx >= info.contextLength
          ? "num_ctx is already the model's full context length: keep less history in the prompt."
          : "Raise num_ctx" +
            (info.contextLength ? ` (the model supports up to ${info.contextLength})` : "") +
            " or keep less history in the prompt.")
      );
    }
    return (
      `the reply was cut off at ${limit}${thinkingNote} (done_reason: length) before it was complete. ` +
      `Raise num_predict (max tokens) or num_ctx${info.numCtx !== null ? ` (now ${info.numCtx})` : ""}, ` +
      "or ask for a smaller step, e.g. edit_file with a short old_text instead of rewriting a whole file."
    );
  }

  if (reply.content.trim() === "" && !hasToolCalls) {
    if (reply.thinking && reply.thinking.trim() !== "") {
      return (
        `the model returned an empty reply: ${info.name} only produced thinking (${reply.thinking.length} characters) ` +
        "and no answer. Set think to false if the model allows it, raise num_predict, or use a model that answers without thinking."
      );
    }
    return (
      `the model returned an empty reply (no text and no tool call) after ${reply.promptTokens ?? "?"} prompt tokens` +
      `${reply.doneReason ? `, done_reason: ${reply.doneReason}` : ""}. ` +
      `The agent asks again; if ${info.name} keeps doing this, ${tryByHand(info)} ` +
      "or use a larger or less aggressively quantized model."
    );
  }

  return null;
}

function tryByHand(info: ModelInfo): string {
  return info.backend === "ollama" ? `try it by hand with \`ollama run ${info.name}\`` : "try it by hand";
}
