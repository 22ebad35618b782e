import { jsonrepair } from "jsonrepair";

export type LenientJson =
  | { ok: true; value: unknown; repaired: boolean }
  /** `changed_content`: jsonrepair could only "fix" the text by rewriting a string's content. */
  | { ok: false; reason: "unparseable" | "changed_content"; detail: string };

/**
 * Parses one JSON-ish object as small models write it: strict JSON first, then with literal
 * `\n` tokens between values removed (Qwen emits `"view_range": \n[1, 2]`), then `jsonrepair`
 * (single quotes, Python `True`/`None`, trailing commas, comments, a missing closing brace).
 *
 * A repair may change syntax, never content: every string in the result must occur in the
 * original text. `{'summary': 'the parser's bug'}` is ambiguous, and jsonrepair "fixes" it into
 * `the parser"s bug`; such a result is refused rather than run. Callers must not pass text that
 * was cut off (an unterminated string): closing it would invent a value.
 */
export function parseLenientJson(text: string): LenientJson {
  let detail: string;
  try {
    return { ok: true, value: JSON.parse(text), repaired: false };
  } catch (error) {
    detail = error instanceof Error ? error.message : String(error);
  }
  const { cleaned, skeleton } = dropLiteralEscapesBetweenTokens(text);
  // jsonrepair unwraps JSONP-style calls (`print("a")` becomes "a"): that rewrites a value, not syntax.
  const call = /[A-Za-z_$][\w$.]*\s*\(/.exec(skeleton);
  if (call) return { ok: false, reason: "unparseable", detail: `${detail}; "${call[0]}" is code, not a JSON value` };
  let value: unknown;
  try {
    value = JSON.parse(cleaned);
  } catch {
    try {
      value = JSON.parse(jsonrepair(cleaned));
    } catch {
      return { ok: false, reason: "unparseable", detail };
    }
  }
  const source = decodeEscapes(cleaned);
  const altered = strings(value).find((s) => !source.includes(s));
  if (altered !== undefined) return { ok: false, reason: "changed_content", detail: `repair would change the text ${JSON.stringify(altered.slice(0, 60))}` };
  return { ok: true, value, repaired: true };
}

/**
 * Removes `\n`, `\r`, `\t` written as two characters outside strings, where JSON allows only
 * whitespace. Also returns the text with string contents blanked, to look at its tokens.
 */
function dropLiteralEscapesBetweenTokens(text: string): { cleaned: string; skeleton: string } {
  let cleaned = "";
  let skeleton = "";
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? "";
    if (quote !== null) {
      cleaned += ch;
      if (ch === "\\") {
        cleaned += text[i + 1] ?? "";
        i++;
      } else if (ch === quote) {
        quote = null;
        skeleton += ch;
      }
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    if (ch === "\\" && /[nrt]/.test(text[i + 1] ?? "")) {
      cleaned += " ";
      skeleton += " ";
      i++;
      continue;
    }
    cleaned += ch;
    skeleton += ch;
  }
  return { cleaned, skeleton };
}

/** The text with JSON and Python string escapes decoded, so repaired strings can be looked up in it. */
function decodeEscapes(text: string): string {
  const simple: Record<string, string> = { n: "\n", r: "\r", t: "\t", b: "\b", f: "\f" };
  return text.replace(/\\(u[0-9a-fA-F]{4}|[\s\S])/g, (_, esc: string) =>
    esc.length === 5 ? String.fromCharCode(parseInt(esc.slice(1), 16)) : (simple[esc] ?? esc),
  );
}

function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([key, inner]) => [key, ...strings(inner)]);
  }
  return [];
}
