/** Keeps the head and the tail of a long text, saying how much was dropped in between. */
export function clipText(text: string, maxChars: number, headShare = 0.4): string {
  if (text.length <= maxChars) return text;
  const head = Math.floor(maxChars * headShare);
  const tail = maxChars - head;
  const omitted = text.length - head - tail;
  const dropped = text.slice(head, text.length - tail).split("\n").length - 1;
  return `${text.slice(0, head)}\n[... ${omitted} characters (${dropped} lines) omitted ...]\n${text.slice(text.length - tail)}`;
}
