/**
 * Separates reasoning from the reply. Besides `<think>…</think>` (also unclosed), a bare
 * `…</think>` counts: DeepSeek-R1 distills' templates open the tag in the prompt.
 */
export function splitThinking(content: string): { outside: string; inside: string; hadThinking: boolean } {
  const inside: string[] = [];
  let rest = content;
  const orphan = /^([\s\S]*?)<\/(think|thinking|reasoning)>/i.exec(rest);
  if (orphan && !new RegExp(`<${orphan[2] ?? "think"}>`, "i").test(orphan[1] ?? "")) {
    inside.push(orphan[1] ?? "");
    rest = rest.slice(orphan[0].length);
  }
  const outside = rest.replace(/<(think|thinking|reasoning)>([\s\S]*?)(?:<\/\1>|$)/gi, (_, _tag: string, body: string) => {
    inside.push(body);
    return "";
  });
  return { outside, inside: inside.join("\n"), hadThinking: inside.length > 0 };
}
