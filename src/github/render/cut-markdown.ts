/**
 * Shortens markdown to at most `max` characters at a line boundary, then closes what the cut left
 * open (a code fence, `<details>` blocks) so the text after it renders as the app wrote it, and
 * says what was cut. Returns the text unchanged when it fits.
 */
export function cutMarkdown(params: { text: string; max: number; note: string }): string {
  const { text, note } = params;
  if (text.length <= params.max) return text;
  const marker = (cut: number) => `\n\n… (${cut} more characters cut: ${note})`;
  const room = Math.max(0, params.max - marker(text.length).length - 64);
  let kept = text.slice(0, room);
  const lastNewline = kept.lastIndexOf("\n");
  if (lastNewline > room / 2) kept = kept.slice(0, lastNewline);
  const closers: string[] = [];
  const fences = kept.match(/^ {0,3}(`{3,}|~{3,})/gm) ?? [];
  if (fences.length % 2 === 1) closers.push(fences.at(-1)?.trim() ?? "```");
  const open = (kept.match(/<details\b/gi) ?? []).length - (kept.match(/<\/details>/gi) ?? []).length;
  for (let i = 0; i < open; i++) closers.push("</details>");
  const closing = closers.length ? `\n\n${closers.join("\n\n")}` : "";
  const result = `${kept}${closing}${marker(text.length - kept.length)}`;
  // No room even for the note: leave the part out rather than push what follows past the limit.
  return result.length <= params.max ? result : "";
}
