/**
 * Inline code that survives backticks in the text (CommonMark: a longer delimiter run) and stays
 * on one line. Inside code, HTML and mentions are inert, so a file name like `@team/<b>` is safe.
 */
export function inlineCode(text: string): string {
  const flat = text.replace(/\s*\n\s*/g, " ");
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((match) => match[0].length));
  const ticks = "`".repeat(longest + 1);
  const pad = longest > 0 || flat.startsWith(" ") || flat.endsWith(" ") ? " " : "";
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}
