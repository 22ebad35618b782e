/**
 * The small pieces of XML that tool-call dialects use, read leniently: attributes, and flat child
 * elements `<key>value</key>`. Not an XML parser: model output is rarely well-formed (raw `<` and
 * `&` in code), and the dialects never nest arguments.
 */

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
const ATTRIBUTE = /([A-Za-z_][\w.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const CHILD = /<([A-Za-z_][\w.-]*)(\s+[^<>]*)?>([\s\S]*?)<\/\1\s*>/g;

/** `&lt;` and friends, decoded: attribute values must escape `<` and quotes, so models do. */
export function decodeEntities(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, (whole, name: string) => {
    if (name.startsWith("#x") || name.startsWith("#X")) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith("#")) return String.fromCodePoint(Number(name.slice(1)));
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** `path="a.ts" start_line='3'` → `{path: "a.ts", start_line: "3"}` (entities decoded). */
export function readAttributes(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const match of text.matchAll(ATTRIBUTE)) out[match[1] ?? ""] = decodeEntities(match[2] ?? match[3] ?? "");
  return out;
}

/**
 * The flat child elements of `body` as arguments (`<path>a.ts</path>` → `{path: "a.ts"}`), or null
 * when the body has none or holds text between them (then it is not a list of arguments). A child's
 * value loses the newline-and-indent padding around it (`<pattern>\n    x\n  </pattern>` → `x`).
 * A `<param name="k">` / `<parameter name="k">` child names its argument by attribute.
 */
export function readChildren(body: string): Record<string, string> | null {
  const out: Record<string, string> = {};
  let outside = body;
  let found = false;
  for (const match of body.matchAll(CHILD)) {
    const tag = match[1] ?? "";
    const named = /^(?:param|parameter|arg|argument)$/.test(tag) ? readAttributes(match[2] ?? "").name : undefined;
    out[named ?? tag] = trimPadding(match[3] ?? "");
    outside = outside.replace(match[0], "");
    found = true;
  }
  return found && outside.trim() === "" ? out : null;
}

/** Drops the line break and indentation that pretty-printed XML puts around a value, nothing else. */
export function trimPadding(value: string): string {
  return value.replace(/^[ \t]*\r?\n[ \t]*/, "").replace(/\r?\n[ \t]*$/, "");
}
