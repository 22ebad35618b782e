/** Gemma 4's string delimiter: a special token standing for a quote. */
export const GEMMA_QUOTE = `<|"|>`;

export interface GemmaArgs {
  args: Record<string, unknown> | null;
  /** A string was still open where the text ended. */
  truncated: boolean;
  /** Anything but canonical syntax was read: other quotes, `=`, a missing comma, brace or delimiter. */
  repaired: boolean;
  problem?: string;
  /** Characters read, up to and including the closing brace when there was one. */
  consumed: number;
}

class CutOff extends Error {}
class Unreadable extends Error {}

const LITERAL = /^(?:-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null)(?=\s*(?:[,}\])]|$|<))/;
// A bare value that runs into `,name:` or `,name=` would swallow the next argument.
const NEXT_MEMBER = /[,{]\s*[A-Za-z_][\w.-]*\s*[:=]/;

/**
 * Reads the arguments of a Gemma 4 call, `{key:<|"|>value<|"|>,n:42,nested:{…},list:[…]}`, from
 * just after its opening `{` (or `(` for the drifted `call:name(key=value)` form). Also reads
 * what the model drifts to (corpus: vLLM, SGLang, Ollama, oMLX, yzma issues): JSON or single
 * quotes, quoted keys, `=` for `:`, missing commas, a missing closing brace (the text ends after a
 * complete value), a value missing only its opening `<|"|>`. A string open at the end of the text
 * is a cut-off reply. Each deviation sets `repaired`.
 */
export function readGemmaArgs(text: string, close: "}" | ")"): GemmaArgs {
  const reader = new GemmaReader(text);
  try {
    const args = reader.object(close);
    return { args, truncated: false, repaired: reader.repaired, consumed: reader.at };
  } catch (error) {
    if (error instanceof CutOff) return { args: null, truncated: true, repaired: reader.repaired, consumed: text.length };
    if (error instanceof Unreadable) return { args: null, truncated: false, repaired: reader.repaired, problem: error.message, consumed: reader.at };
    throw error;
  }
}

class GemmaReader {
  at = 0;
  repaired = false;
  constructor(private readonly text: string) {}

  object(close: "}" | ")"): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    let separated = true;
    for (;;) {
      this.space();
      if (this.eat(close)) return out;
      if (this.done()) {
        this.repaired = true;
        return out;
      }
      if (this.eat(",")) {
        separated = true;
        continue;
      }
      if (!separated) this.repaired = true;
      const key = this.key();
      this.space();
      if (this.eat("=")) this.repaired = true;
      else if (!this.eat(":")) throw new Unreadable(`the argument "${key}" has no value (expected ${key}:${GEMMA_QUOTE}…${GEMMA_QUOTE})`);
      out[key] = this.value(close);
      separated = false;
    }
  }

  private key(): string {
    if (this.text.startsWith(GEMMA_QUOTE, this.at)) return this.delimited();
    if (this.peek() === '"' || this.peek() === "'") {
      this.repaired = true;
      return this.quoted(this.peek());
    }
    const match = /^[A-Za-z_][\w.-]*/.exec(this.rest());
    if (!match) throw new Unreadable(`expected an argument name at ${JSON.stringify(this.rest().slice(0, 30))}`);
    this.at += match[0].length;
    return match[0];
  }

  private value(close: "}" | ")"): unknown {
    this.space();
    if (this.done()) throw new CutOff();
    if (this.text.startsWith(GEMMA_QUOTE, this.at)) return this.delimited();
    const ch = this.peek();
    if (ch === '"' || ch === "'") {
      this.repaired = true;
      return this.quoted(ch);
    }
    if (this.eat("{")) return this.object("}");
    if (this.eat("[")) return this.array();
    const literal = LITERAL.exec(this.rest());
    if (literal) {
      this.at += literal[0].length;
      return JSON.parse(literal[0]);
    }
    return this.bare(close);
  }

  private array(): unknown[] {
    const items: unknown[] = [];
    for (;;) {
      this.space();
      if (this.eat("]")) return items;
      if (this.done()) throw new CutOff();
      if (this.eat(",")) continue;
      items.push(this.value("}"));
    }
  }

  /** Text without an opening quote: up to a lone closing `<|"|>` (its opening was dropped), else to the next `,` or the end. */
  private bare(close: "}" | ")"): string {
    this.repaired = true;
    const rest = this.rest();
    const delimiter = rest.indexOf(GEMMA_QUOTE);
    if (delimiter >= 0 && !NEXT_MEMBER.test(rest.slice(0, delimiter))) {
      this.at += delimiter + GEMMA_QUOTE.length;
      return rest.slice(0, delimiter);
    }
    const end = rest.search(close === ")" ? /[,)\n]|<\|/ : /[,}\]\n]|<\|/);
    const raw = end < 0 ? rest : rest.slice(0, end);
    this.at += raw.length;
    if (raw.trim() === "") throw new Unreadable(`expected a value at ${JSON.stringify(rest.slice(0, 30))}`);
    return raw.trim();
  }

  private delimited(): string {
    const start = this.at + GEMMA_QUOTE.length;
    const end = this.text.indexOf(GEMMA_QUOTE, start);
    if (end < 0) throw new CutOff();
    this.at = end + GEMMA_QUOTE.length;
    return this.text.slice(start, end);
  }

  /** A JSON (`"…"`, with escapes) or single-quoted string; a single quote closes only where a value may end (`'it's'` stays whole). */
  private quoted(quote: string): string {
    let out = "";
    for (let i = this.at + 1; i < this.text.length; i++) {
      const ch = this.text[i] ?? "";
      if (ch === "\\" && quote === '"') {
        const next = this.text[i + 1] ?? "";
        out += ({ n: "\n", t: "\t", r: "\r" } as Record<string, string>)[next] ?? next;
        i++;
        continue;
      }
      if (ch === quote && (quote === '"' || /^\s*(?:[,:}\])=]|<|$)/.test(this.text.slice(i + 1)))) {
        this.at = i + 1;
        return out;
      }
      out += ch;
    }
    throw new CutOff();
  }

  private space(): void {
    while (/\s/.test(this.peek())) this.at++;
  }

  private eat(token: string): boolean {
    if (!this.text.startsWith(token, this.at)) return false;
    this.at += token.length;
    return true;
  }

  private peek(): string {
    return this.text[this.at] ?? "";
  }

  private rest(): string {
    return this.text.slice(this.at);
  }

  private done(): boolean {
    return this.at >= this.text.length;
  }
}
