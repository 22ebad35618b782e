/**
 * The issues GitHub would close when a pull request with this body merges, modelled generously:
 * a closing keyword (any case), then anything GitHub or a markdown renderer might skip (a colon,
 * whitespace including newlines, emphasis, brackets, quotes), then `#N`, `owner/repo#N`, `GH-N`
 * or an issue/pull URL, plus further references in a list after it. It does not skip U+200B:
 * like the mention guard `@\u200bteam`, the renderer relies on GitHub not reading a zero-width
 * space as whitespace or as part of a reference.
 */
export function closingReferences(body: string): string[] {
  const keyword = /(?<![\p{L}\p{N}_])(close[sd]?|fix(?:e[sd])?|resolve[sd]?)(?![\p{L}\p{N}_])/giu;
  const reference = /^(?:[\s:*_~()[\]"'`>,]|and|&|\+)*(https?:\/\/(?:www\.)?github\.com\/[\w.-]+\/[\w.-]+\/(?:issues|pull)\/\d+|(?:[\w.-]+\/[\w.-]+)?#\d+|GH-\d+)/iu;
  const found: string[] = [];
  for (const match of body.matchAll(keyword)) {
    let rest = body.slice((match.index ?? 0) + match[0].length);
    for (let ref = reference.exec(rest); ref; ref = reference.exec(rest)) {
      found.push(ref[1] ?? "");
      rest = rest.slice(ref[0].length);
    }
  }
  return found;
}
