/**
 * GitHub closes an issue when a merged pull request's body (or a commit on the default branch)
 * says `close|closes|closed|fix|fixes|fixed|resolve|resolves|resolved`, in any case, with or
 * without a colon, followed by `#N`, `owner/repo#N`, `GH-N` or an issue URL. Text the app did not
 * write must never do that, or a reviewer who merges a good fix also closes unrelated issues.
 */
const KEYWORD = String.raw`(?<![\p{L}\p{N}_])(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)(?![\p{L}\p{N}_])`;
/** Whatever may stand between a keyword and its reference: a colon, spaces, markdown emphasis, brackets, quotes. */
const GAP = String.raw`[\s:*_~()\[\]"'\u0060>]*`;
const REFERENCE = String.raw`(?:https?:\/\/(?:www\.)?github\.com\/[\w.-]+\/[\w.-]+\/(?:issues|pull)\/\d+|(?:[\w.-]+\/[\w.-]+)?#\d+|GH-\d+)`;
/** GitHub may read `fixes #1, #2 and #3` as three references: the whole list is made inert. */
const LIST_GAP = String.raw`(?:${GAP}(?:,|and|&|\+)?${GAP})`;
const CLOSING = new RegExp(String.raw`(${KEYWORD})(${GAP}${REFERENCE}(?:${LIST_GAP}${REFERENCE})*)`, "giu");
const ONE_REFERENCE = new RegExp(REFERENCE, "giu");
const ZWSP = "\u200b";

/**
 * Keeps closing references readable but inert: a zero-width space after the keyword (keyword and
 * reference are no longer adjacent for GitHub's parser) and inside each reference (`#\u200b1` is
 * not a reference; `https\u200b://` is not a link). The text looks the same to a reader.
 * Idempotent: a neutralized reference no longer matches.
 */
export function neutralizeClosingReferences(text: string): string {
  return text.replace(CLOSING, (_match, keyword: string, rest: string) => `${keyword}${ZWSP}${rest.replace(ONE_REFERENCE, breakReference)}`);
}

function breakReference(reference: string): string {
  if (/^https?:/i.test(reference)) return reference.replace(/^(https?):/i, `$1${ZWSP}:`);
  if (/^GH-/i.test(reference)) return reference.replace(/^(GH-)/i, `$1${ZWSP}`);
  return reference.replace("#", `#${ZWSP}`);
}
