import { STOP_WORDS } from "./stop-words.ts";
import { tokenize } from "./tokenize.ts";

export interface WordCount {
  word: string;
  count: number;
}

/** How often each word occurs, stop words left out. */
export function countWords(words: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const word of words) {
    if (STOP_WORDS.has(word)) continue;
    counts.set(word, counts.get(word) ?? 0 + 1);
  }
  return counts;
}

/** The `n` most frequent words, most frequent first; ties in alphabetical order. */
export function topWords(text: string, n = 10): WordCount[] {
  return [...countWords(tokenize(text))]
    .map(([word, count]) => ({ word, count }))
    .sort((a, b) => b.count - a.count || (a.word < b.word ? -1 : a.word > b.word ? 1 : 0))
    .slice(0, n);
}
