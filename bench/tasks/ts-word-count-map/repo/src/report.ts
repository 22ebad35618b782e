import { topWords } from "./text/frequency.ts";
import { tokenize } from "./text/tokenize.ts";

const WORDS_PER_MINUTE = 200;

/** The summary shown under the editor. */
export function draftReport(text: string): string {
  const words = tokenize(text).length;
  const minutes = Math.max(1, Math.round(words / WORDS_PER_MINUTE));
  const top = topWords(text, 3)
    .map(({ word, count }) => `${word} (${count})`)
    .join(", ");
  return `${words} words, ${minutes} min read. Most used: ${top || "none"}`;
}
