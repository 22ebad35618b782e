import type { ChatMessage } from "../types.js";

/** A message as llama-server's `/apply-template` takes it (the OpenAI chat shape). */
export interface TemplateMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/**
 * Our conversation in a shape every chat template renders. Chat templates differ in what they
 * allow: many have no `tool` role without `--jinja` (llama.cpp's built-in templates print an
 * unknown role verbatim, which the model never saw in training), some reject a system message
 * after the first turn, and some (Gemma, Mistral) throw unless user and assistant alternate.
 * Our tool calls are plain JSON in the assistant's text, not native tool calls, so nothing is
 * lost by sending observations as user turns:
 * - `tool` messages become user messages that name the tool;
 * - system messages after the first non-system one become user messages;
 * - consecutive messages of the same role are joined with a blank line.
 */
export function toTemplateMessages(messages: readonly ChatMessage[]): TemplateMessage[] {
  const out: TemplateMessage[] = [];
  let seenConversation = false;
  for (const message of messages) {
    let role: TemplateMessage["role"];
    let content = message.content;
    if (message.role === "tool") {
      role = "user";
      content = `Result of ${message.toolName ?? "the tool"}:\n${message.content}`;
    } else if (message.role === "system") {
      role = seenConversation ? "user" : "system";
    } else {
      role = message.role;
    }
    if (role !== "system") seenConversation = true;

    const last = out.at(-1);
    if (last && last.role === role) last.content = `${last.content}\n\n${content}`;
    else out.push({ role, content });
  }
  return out;
}
