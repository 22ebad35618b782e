export interface JsonCandidate {
  /** The candidate text, from its `{` to the matching `}` (or to the end when unclosed). */
  text: string;
  /** Offset in the scanned text. */
  start: number;
  /** The object never closed: the reply may have been cut off or lost a brace. */
  unclosed: boolean;
  /** The text ended inside a string: a cut-off reply, never to be "repaired" into a value. */
  unterminatedString: boolean;
}

/**
 * Finds top-level `{…}` objects in free text, aware of strings (double- and single-quoted, since
 * small models emit Python dicts) and escapes. Prose around and between objects is skipped.
 *
 * A `{` counts only where an object could start (`{"`, `{'`, `{}`, `{key:`, after comments): a stray brace in
 * prose ("the block `if (x) {` is wrong") would otherwise swallow the real call after it as one
 * unclosed object.
 */
export function scanJsonObjects(text: string): JsonCandidate[] {
  const found: JsonCandidate[] = [];
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf("{", i);
    if (start < 0) break;
    if (!opensObject(text, start)) {
      i = start + 1;
      continue;
    }
    let depth = 0;
    let quote: string | null = null;
    let j = start;
    let closed = false;
    for (; j < text.length; j++) {
      const ch = text[j];
      if (quote !== null) {
        if (ch === "\\") j++;
        else if (ch === quote) quote = null;
        continue;
      }
      if (ch === '"') quote = ch;
      else if (ch === "'" && isQuoteStart(text, j)) quote = ch;
      else if (ch === "{") depth++;
      else if (ch === "}") {
        depth--;
        if (depth === 0) {
          closed = true;
          break;
        }
      }
    }
    if (closed) {
      found.push({ text: text.slice(start, j + 1), start, unclosed: false, unterminatedString: false });
      i = j + 1;
    } else {
      found.push({ text: text.slice(start), start, unclosed: true, unterminatedString: quote !== null });
      break;
    }
  }
  return found;
}

/** Whitespace, a literal `\n` (Qwen writes them between tokens) or comments, then a key or `}`. */
const OBJECT_START = /^\{(?:\s|\\[nrt]|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*(?:["'}]|[A-Za-z_$][\w$]*\s*:)/;

function opensObject(text: string, at: number): boolean {
  return OBJECT_START.test(text.slice(at, at + 300));
}

/** A single quote opens a string only where a JSON value or key could start (not in "don't"). */
function isQuoteStart(text: string, at: number): boolean {
  for (let k = at - 1; k >= 0; k--) {
    const ch = text[k] ?? "";
    if (ch === " " || ch === "\n" || ch === "\t" || ch === "\r") continue;
    return ch === "{" || ch === "[" || ch === ":" || ch === ",";
  }
  return false;
}
