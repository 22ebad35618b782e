/** The first sentence of a message's first line (at most 240 characters): for terse errors and report rows. */
export function firstSentence(text: string): string {
  const line = text.split("\n")[0] ?? "";
  const match = /^(.+?[.!?])(\s|$)/.exec(line);
  return (match?.[1] ?? line).slice(0, 240);
}
