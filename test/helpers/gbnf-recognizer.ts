/**
 * A GBNF recognizer for tests: does a llama.cpp grammar accept a whole string?
 *
 * No npm package parses current llama.cpp GBNF (the `gbnf` package predates `{m,n}`), and there
 * is no llama.cpp binary here, so this follows llama.cpp's own `src/llama-grammar.cpp` closely:
 * - the parser has the same syntax rules and the same errors: rule names are `[a-zA-Z0-9-]+`
 *   (no `_`), escapes are `\x \u \U \t \r \n \\ \" \[ \] \-` only, a rule ends at a newline unless
 *   inside `( )` or right after `|`, `#` comments, undefined rules, a missing `root`, left
 *   recursion, and the 2000-rule repetition limit are errors;
 * - repetitions are rewritten into helper rules exactly as llama.cpp does (`S{m,n}` → m copies
 *   of S, then n−m nested optional rules), so rule-count limits match;
 * - acceptance runs llama.cpp's pushdown-stack algorithm over Unicode code points: every stack
 *   is advanced to a terminal, each input code point filters and advances the stacks, and the
 *   string is accepted when a stack is empty at the end (what lets llama.cpp sample EOS).
 * Token literals (`<tok>`, `<[id]>`, `!<tok>`) need a vocabulary and are refused.
 */
export function compileGbnf(source: string): GbnfRecognizer {
  const parser = new Parser(source);
  const rules = parser.parse();
  const root = parser.symbolIds.get("root");
  if (root === undefined) throw new GbnfSyntaxError("grammar does not contain a 'root' symbol");
  assertNoLeftRecursion(rules, parser.symbolIds);
  return {
    ruleCount: rules.length,
    accepts: (input) => accepts(rules, root, input),
  };
}

export interface GbnfRecognizer {
  /** Whether the grammar, started at `root`, matches all of `input` and nothing more. */
  accepts(input: string): boolean;
  /** Rules after llama.cpp's rewriting of groups and repetitions (a size figure for tests). */
  ruleCount: number;
}

export class GbnfSyntaxError extends Error {
  override readonly name = "GbnfSyntaxError";
}

type Element =
  | { kind: "char"; negated: boolean; any: boolean; ranges: [number, number][] }
  | { kind: "ref"; rule: number };

/** A rule is a list of alternatives; an alternative is a sequence of elements (may be empty). */
type Rule = Element[][];

const MAX_REPETITION_THRESHOLD = 2000;

class Parser {
  readonly symbolIds = new Map<string, number>();
  private readonly rules: (Rule | undefined)[] = [];

  constructor(private readonly src: string) {}

  parse(): Rule[] {
    let pos = this.parseSpace(0, true);
    while (pos < this.src.length) pos = this.parseRule(pos);
    for (const [name, id] of this.symbolIds) {
      if (this.rules[id] === undefined) throw new GbnfSyntaxError(`Undefined rule identifier '${name}'`);
    }
    return this.rules.map((rule) => rule ?? []);
  }

  private at(pos: number): string {
    return this.src[pos] ?? "";
  }

  private fail(message: string, pos: number): never {
    throw new GbnfSyntaxError(`${message} at ${JSON.stringify(this.src.slice(pos, pos + 30))}`);
  }

  private parseSpace(start: number, newlineOk: boolean): number {
    let pos = start;
    for (;;) {
      const c = this.at(pos);
      if (c === " " || c === "\t" || (newlineOk && (c === "\r" || c === "\n"))) pos++;
      else if (c === "#") while (pos < this.src.length && this.at(pos) !== "\r" && this.at(pos) !== "\n") pos++;
      else return pos;
    }
  }

  private parseName(start: number): number {
    let pos = start;
    while (/^[a-zA-Z0-9-]$/.test(this.at(pos))) pos++;
    if (pos === start) this.fail("expecting name", start);
    return pos;
  }

  private parseInt(start: number): number {
    let pos = start;
    while (/^[0-9]$/.test(this.at(pos))) pos++;
    if (pos === start) this.fail("expecting integer", start);
    return pos;
  }

  private symbolId(name: string): number {
    const existing = this.symbolIds.get(name);
    if (existing !== undefined) return existing;
    const id = this.symbolIds.size;
    this.symbolIds.set(name, id);
    return id;
  }

  private generateSymbolId(base: string): number {
    const id = this.symbolIds.size;
    this.symbolIds.set(`${base}_${id}`, id);
    return id;
  }

  private parseChar(pos: number): [number, number] {
    if (this.at(pos) === "\\") {
      const e = this.at(pos + 1);
      const hex = (size: number): [number, number] => {
        const digits = this.src.slice(pos + 2, pos + 2 + size);
        if (!new RegExp(`^[0-9a-fA-F]{${size}}$`).test(digits)) this.fail(`expecting ${size} hex chars`, pos + 2);
        return [Number.parseInt(digits, 16), pos + 2 + size];
      };
      switch (e) {
        case "x":
          return hex(2);
        case "u":
          return hex(4);
        case "U":
          return hex(8);
        case "t":
          return [9, pos + 2];
        case "r":
          return [13, pos + 2];
        case "n":
          return [10, pos + 2];
        case "\\":
        case '"':
        case "[":
        case "]":
        case "-":
          return [e.codePointAt(0) ?? 0, pos + 2];
        default:
          this.fail("unknown escape", pos);
      }
    }
    const code = this.src.codePointAt(pos);
    if (code === undefined) this.fail("unexpected end of input", pos);
    return [code, pos + (code > 0xffff ? 2 : 1)];
  }

  private parseRule(start: number): number {
    const nameEnd = this.parseName(start);
    const name = this.src.slice(start, nameEnd);
    const id = this.symbolId(name);
    let pos = this.parseSpace(nameEnd, false);
    if (this.src.slice(pos, pos + 3) !== "::=") this.fail("expecting ::=", pos);
    pos = this.parseSpace(pos + 3, true);
    pos = this.parseAlternates(pos, name, id, false);
    if (this.at(pos) === "\r") pos += this.at(pos + 1) === "\n" ? 2 : 1;
    else if (this.at(pos) === "\n") pos++;
    else if (pos < this.src.length) this.fail("expecting newline or end", pos);
    return this.parseSpace(pos, true);
  }

  private parseAlternates(start: number, name: string, id: number, nested: boolean): number {
    const rule: Rule = [];
    let seq: Element[] = [];
    let pos = this.parseSequence(start, name, seq, nested);
    rule.push(seq);
    while (this.at(pos) === "|") {
      pos = this.parseSpace(pos + 1, true);
      seq = [];
      pos = this.parseSequence(pos, name, seq, nested);
      rule.push(seq);
    }
    this.rules[id] = rule;
    return pos;
  }

  private parseSequence(start: number, name: string, seq: Element[], nested: boolean): number {
    let lastSymStart = seq.length;
    let nPrevRules = 1;
    let pos = start;

    const repeat = (min: number, max: number): void => {
      const noMax = max === Number.POSITIVE_INFINITY;
      if (lastSymStart === seq.length) this.fail("expecting preceding item to */+/?/{", pos);
      const prev = seq.slice(lastSymStart);
      const totalRules = !noMax && max > 0 ? max : min > 0 ? min : 1;
      if (nPrevRules * totalRules >= MAX_REPETITION_THRESHOLD) {
        this.fail("number of rules that are going to be repeated multiplied by the new repetition exceeds sane defaults", pos);
      }
      if (min === 0) seq.length = lastSymStart;
      else for (let i = 1; i < min; i++) seq.push(...prev);
      const nOpt = noMax ? 1 : max - min;
      let lastRec = 0;
      for (let i = 0; i < nOpt; i++) {
        const recId = this.generateSymbolId(name);
        const rec: Element[] = [...prev];
        if (i > 0 || noMax) rec.push({ kind: "ref", rule: noMax ? recId : lastRec });
        this.rules[recId] = [rec, []];
        lastRec = recId;
      }
      if (nOpt > 0) seq.push({ kind: "ref", rule: lastRec });
      nPrevRules *= totalRules;
    };

    while (pos < this.src.length) {
      const c = this.at(pos);
      if (c === '"') {
        pos++;
        lastSymStart = seq.length;
        nPrevRules = 1;
        while (this.at(pos) !== '"') {
          if (pos >= this.src.length) this.fail("unexpected end of input", pos);
          const [code, next] = this.parseChar(pos);
          pos = next;
          seq.push({ kind: "char", negated: false, any: false, ranges: [[code, code]] });
        }
        pos = this.parseSpace(pos + 1, nested);
      } else if (c === "[") {
        pos++;
        const negated = this.at(pos) === "^";
        if (negated) pos++;
        lastSymStart = seq.length;
        nPrevRules = 1;
        const ranges: [number, number][] = [];
        while (this.at(pos) !== "]") {
          if (pos >= this.src.length) this.fail("unexpected end of input", pos);
          const [lo, next] = this.parseChar(pos);
          pos = next;
          let hi = lo;
          if (this.at(pos) === "-" && this.at(pos + 1) !== "]") {
            if (pos + 1 >= this.src.length) this.fail("unexpected end of input", pos);
            [hi, pos] = this.parseChar(pos + 1);
          }
          ranges.push([lo, hi]);
        }
        seq.push({ kind: "char", negated, any: false, ranges });
        pos = this.parseSpace(pos + 1, nested);
      } else if (c === "<" || c === "!") {
        this.fail("token literals need a vocabulary, which this recognizer does not have", pos);
      } else if (/^[a-zA-Z0-9-]$/.test(c)) {
        const end = this.parseName(pos);
        const ref = this.symbolId(this.src.slice(pos, end));
        pos = this.parseSpace(end, nested);
        lastSymStart = seq.length;
        nPrevRules = 1;
        seq.push({ kind: "ref", rule: ref });
      } else if (c === "(") {
        pos = this.parseSpace(pos + 1, true);
        const before = this.symbolIds.size;
        const sub = this.generateSymbolId(name);
        pos = this.parseAlternates(pos, name, sub, true);
        nPrevRules = Math.max(1, this.symbolIds.size - before);
        lastSymStart = seq.length;
        seq.push({ kind: "ref", rule: sub });
        if (this.at(pos) !== ")") this.fail("expecting ')'", pos);
        pos = this.parseSpace(pos + 1, nested);
      } else if (c === ".") {
        lastSymStart = seq.length;
        nPrevRules = 1;
        seq.push({ kind: "char", negated: false, any: true, ranges: [] });
        pos = this.parseSpace(pos + 1, nested);
      } else if (c === "*" || c === "+" || c === "?") {
        pos = this.parseSpace(pos + 1, nested);
        if (c === "*") repeat(0, Number.POSITIVE_INFINITY);
        else if (c === "+") repeat(1, Number.POSITIVE_INFINITY);
        else repeat(0, 1);
      } else if (c === "{") {
        pos = this.parseSpace(pos + 1, nested);
        let end = this.parseInt(pos);
        const min = Number(this.src.slice(pos, end));
        pos = this.parseSpace(end, nested);
        let max = Number.POSITIVE_INFINITY;
        if (this.at(pos) === "}") {
          max = min;
          pos = this.parseSpace(pos + 1, nested);
        } else if (this.at(pos) === ",") {
          pos = this.parseSpace(pos + 1, nested);
          if (/^[0-9]$/.test(this.at(pos))) {
            end = this.parseInt(pos);
            max = Number(this.src.slice(pos, end));
            pos = this.parseSpace(end, nested);
          }
          if (this.at(pos) !== "}") this.fail("expecting '}'", pos);
          pos = this.parseSpace(pos + 1, nested);
        } else {
          this.fail("expecting ','", pos);
        }
        if (min > MAX_REPETITION_THRESHOLD) this.fail("number of repetitions exceeds sane defaults", pos);
        if (max !== Number.POSITIVE_INFINITY && max > MAX_REPETITION_THRESHOLD) max = Number.POSITIVE_INFINITY;
        repeat(min, max);
      } else {
        break;
      }
    }
    return pos;
  }
}

/** llama.cpp refuses left-recursive grammars (`llama_grammar_detect_left_recursion`). */
function assertNoLeftRecursion(rules: readonly Rule[], symbolIds: ReadonlyMap<string, number>): void {
  const nullable = rules.map(() => false);
  for (let changed = true; changed; ) {
    changed = false;
    rules.forEach((rule, id) => {
      if (!nullable[id] && rule.some((alt) => alt.every((e) => e.kind === "ref" && nullable[e.rule]))) {
        nullable[id] = true;
        changed = true;
      }
    });
  }
  const state = rules.map(() => 0); // 0 unvisited, 1 on the path, 2 done
  const visit = (id: number): void => {
    if (state[id] === 2) return;
    if (state[id] === 1) {
      const name = [...symbolIds].find(([, v]) => v === id)?.[0] ?? String(id);
      throw new GbnfSyntaxError(`unsupported grammar, left recursion detected for nonterminal '${name}'`);
    }
    state[id] = 1;
    for (const alt of rules[id] ?? []) {
      for (const e of alt) {
        if (e.kind !== "ref") break;
        visit(e.rule);
        if (!nullable[e.rule]) break;
      }
    }
    state[id] = 2;
  };
  rules.forEach((_, id) => visit(id));
}

/** One position inside a rule: alternative `alt` of rule `rule`, before element `idx`. */
interface Pos {
  rule: number;
  alt: number;
  idx: number;
}
type Stack = readonly Pos[];

const MAX_STACKS = 10_000;

function accepts(rules: readonly Rule[], root: number, input: string): boolean {
  const elementAt = (p: Pos): Element | undefined => rules[p.rule]?.[p.alt]?.[p.idx];
  const keyOf = (s: Stack): string => s.map((p) => `${p.rule}.${p.alt}.${p.idx}`).join(" ");

  // Expands a stack until its top is a terminal (or it is empty), like llama_grammar_advance_stack.
  const advance = (start: Stack, out: Map<string, Stack>): void => {
    const todo: Stack[] = [start];
    const seen = new Set<string>();
    while (todo.length > 0) {
      const stack = todo.pop() ?? [];
      const key = keyOf(stack);
      if (seen.has(key)) continue;
      seen.add(key);
      const top = stack.at(-1);
      const element = top && elementAt(top);
      if (!top || !element || element.kind === "char") {
        out.set(key, stack);
        continue;
      }
      const rest = continuation(stack, top);
      (rules[element.rule] ?? []).forEach((alt, a) => {
        todo.push(alt.length > 0 ? [...rest, { rule: element.rule, alt: a, idx: 0 }] : rest);
      });
    }
    if (out.size > MAX_STACKS) throw new Error("gbnf recognizer: too many parse stacks (ambiguous grammar?)");
  };

  // The stack with `top` consumed: pops it, or moves it to its next element.
  const continuation = (stack: Stack, top: Pos): Stack => {
    const next = { ...top, idx: top.idx + 1 };
    return elementAt(next) ? [...stack.slice(0, -1), next] : stack.slice(0, -1);
  };

  let stacks = new Map<string, Stack>();
  (rules[root] ?? []).forEach((alt, a) => advance(alt.length > 0 ? [{ rule: root, alt: a, idx: 0 }] : [], stacks));

  for (const ch of input) {
    const code = ch.codePointAt(0) ?? 0;
    const next = new Map<string, Stack>();
    for (const stack of stacks.values()) {
      const top = stack.at(-1);
      const element = top && elementAt(top);
      if (!top || element?.kind !== "char" || !matches(element, code)) continue;
      advance(continuation(stack, top), next);
    }
    if (next.size === 0) return false;
    stacks = next;
  }
  return [...stacks.values()].some((stack) => stack.length === 0);
}

function matches(element: Extract<Element, { kind: "char" }>, code: number): boolean {
  // llama.cpp decodes the text as NUL-terminated UTF-8: a NUL code point never matches.
  if (code === 0) return false;
  if (element.any) return true;
  const inRange = element.ranges.some(([lo, hi]) => lo <= code && code <= hi);
  return inRange !== element.negated;
}
