/** Words too common to be interesting in a frequency list. */
export const STOP_WORDS: ReadonlySet<string> = new Set([
  "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "in", "is", "it",
  "of", "on", "or", "that", "the", "this", "to", "was", "with",
]);
