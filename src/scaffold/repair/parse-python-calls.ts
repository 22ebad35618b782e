export interface PythonCall {
  name: string;
  /** Keyword arguments, or the single positional argument as it was written (a scalar). */
  args: Record<string, unknown> | string | number | boolean;
}

/**
 * Reads Python call syntax, the way Gemma writes tool calls in a ```` ```tool_code ```` block
 * and Llama 3.2 writes them as `[read_file(path="a.ts")]`: one or more `name(key=value, …)`
 * separated by newlines or commas, optionally inside `[…]`. Values must be literals (strings
 * in any quotes, triple quotes included, numbers, `True`/`False`/`None`, lists of those).
 *
 * Returns null unless the whole text is such calls and every name passes `isToolName`, so
 * ordinary code (`print(x)`) and prose are never read as calls. `truncated` is set when the text
 * ends inside a string or an argument list: a cut-off call must not run.
 */
export function parsePythonCalls(text: string, isToolName: (name: string) => boolean): { calls: PythonCall[]; truncated: boolean } | null {
  const reader = new Reader(text);
  const calls: PythonCall[] = [];
  try {
    reader.skipSpace();
    const bracketed = reader.eat("[");
    for (;;) {
      reader.skipSpace();
      if (reader.done()) break;
      if (bracketed && reader.eat("]")) {
        reader.skipSpace();
        if (!reader.done()) return null;
        break;
      }
      const name = reader.identifier();
      if (name === null || !isToolName(name)) return null;
      reader.skipSpace();
      if (!reader.eat("(")) return null;
      const args = reader.argumentList();
      if (args === null) return null;
      calls.push({ name, args });
      reader.skipSpace();
      reader.eat(",");
    }
  } catch (error) {
    if (error instanceof CutOff) return calls.length > 0 || reader.sawCall ? { calls, truncated: true } : null;
    throw error;
  }
  return calls.length > 0 ? { calls, truncated: false } : null;
}

class CutOff extends Error {}

class Reader {
  private i = 0;
  sawCall = false;
  constructor(private readonly text: string) {}

  done(): boolean {
    return this.i >= this.text.length;
  }

  skipSpace(): void {
    while (/\s/.test(this.text[this.i] ?? "")) this.i++;
  }

  eat(token: string): boolean {
    if (this.text.startsWith(token, this.i)) {
      this.i += token.length;
      return true;
    }
    return false;
  }

  identifier(): string | null {
    const match = /^[A-Za-z_][\w.]*/.exec(this.text.slice(this.i));
    if (!match) return null;
    this.i += match[0].length;
    return match[0];
  }

  /** After `(`: keyword arguments up to `)`, or one positional literal. Null when not literal syntax. */
  argumentList(): PythonCall["args"] | null {
    this.sawCall = true;
    const kwargs: Record<string, unknown> = {};
    let positional: unknown[] = [];
    for (;;) {
      this.skipSpace();
      if (this.done()) throw new CutOff();
      if (this.eat(")")) break;
      const save = this.i;
      const key = this.identifier();
      this.skipSpace();
      if (key !== null && this.text[this.i] === "=" && this.text[this.i + 1] !== "=") {
        this.i++;
        const value = this.literal();
        if (value === NOT_LITERAL) return null;
        kwargs[key] = value;
      } else {
        this.i = save;
        const value = this.literal();
        if (value === NOT_LITERAL) return null;
        positional = [...positional, value];
      }
      this.skipSpace();
      if (this.done()) throw new CutOff();
      if (this.eat(")")) break;
      if (!this.eat(",")) return null;
    }
    if (positional.length === 0) return kwargs;
    const [only] = positional;
    if (positional.length === 1 && Object.keys(kwargs).length === 0 && (typeof only === "string" || typeof only === "number" || typeof only === "boolean")) {
      return only;
    }
    return null;
  }

  literal(): unknown {
    this.skipSpace();
    if (this.done()) throw new CutOff();
    const ch = this.text[this.i];
    if (ch === '"' || ch === "'") return this.string(ch);
    if (ch === "[") {
      this.i++;
      const items: unknown[] = [];
      for (;;) {
        this.skipSpace();
        if (this.done()) throw new CutOff();
        if (this.eat("]")) return items;
        const item = this.literal();
        if (item === NOT_LITERAL) return NOT_LITERAL;
        items.push(item);
        this.skipSpace();
        if (this.eat("]")) return items;
        if (!this.eat(",")) return NOT_LITERAL;
      }
    }
    const word = /^(?:-?\d+(?:\.\d+)?|True|False|None|true|false|null)\b/.exec(this.text.slice(this.i));
    if (!word) return NOT_LITERAL;
    this.i += word[0].length;
    const token = word[0];
    if (token === "True" || token === "true") return true;
    if (token === "False" || token === "false") return false;
    if (token === "None" || token === "null") return null;
    return Number(token);
  }

  private string(quote: string): string {
    const triple = this.text.startsWith(quote.repeat(3), this.i);
    const close = triple ? quote.repeat(3) : quote;
    this.i += close.length;
    let out = "";
    for (;;) {
      if (this.done()) throw new CutOff();
      if (this.text.startsWith(close, this.i)) {
        this.i += close.length;
        return out;
      }
      const ch = this.text[this.i] ?? "";
      if (ch === "\\") {
        const next = this.text[this.i + 1];
        if (next === undefined) throw new CutOff();
        out += ESCAPES[next] ?? (next === "\n" ? "" : next === quote || next === "\\" ? next : `\\${next}`);
        this.i += 2;
        continue;
      }
      out += ch;
      this.i++;
    }
  }
}

const NOT_LITERAL = Symbol("not a literal");
const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", '"': '"', "'": "'", "\\": "\\" };
