// The lexer: a command line in, words and operators out. Quoting is resolved here (each
// word part remembers whether it was quoted), but variables are only recorded, not
// expanded: expansion happens when the command runs, so `a=1; echo $a` sees the new value.

import type { Word, WordPart } from './command.ts';

export type Operator = ';' | '&' | '&&' | '|' | '||' | '<' | '>' | '>>' | '>&' | '<&' | '(' | ')';

export type Token =
  | { kind: 'word'; word: Word; start: number; end: number }
  /** `fd` is the io number written before a redirection (`2>`), when there was one. */
  | { kind: 'operator'; op: Operator; fd?: number; start: number; end: number }
  | { kind: 'end'; start: number; end: number };

export type LexResult = { ok: true; tokens: Token[] } | { ok: false; error: string };

const OPERATORS: Operator[] = ['&&', '||', '>>', '>&', '<&', ';', '&', '|', '<', '>', '(', ')'];
const METACHARS = new Set([' ', '\t', '\n', ';', '&', '|', '<', '>', '(', ')']);
const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

class LexError {
  constructor(readonly message: string) {}
}

export function lex(line: string): LexResult {
  try {
    return { ok: true, tokens: new Lexer(line).tokens() };
  } catch (e) {
    if (e instanceof LexError) return { ok: false, error: e.message };
    throw e;
  }
}

class Lexer {
  private pos = 0;
  constructor(private readonly s: string) {}

  tokens(): Token[] {
    const out: Token[] = [];
    for (;;) {
      this.skipBlanks();
      const start = this.pos;
      if (this.pos >= this.s.length || this.s[this.pos] === '#') {
        out.push({ kind: 'end', start, end: start });
        return out;
      }
      out.push(this.operator(start) ?? this.word(start));
    }
  }

  private skipBlanks(): void {
    while (this.s[this.pos] === ' ' || this.s[this.pos] === '\t') this.pos++;
  }

  /** An operator here, with an io number (`2>`) when digits lead straight into < or >. */
  private operator(start: number): Token | undefined {
    const digits = /^[0-9]+(?=[<>])/.exec(this.s.slice(start));
    const at = start + (digits ? digits[0].length : 0);
    if (this.s[at] === '\n') {
      this.pos = at + 1;
      return { kind: 'operator', op: ';', start, end: this.pos };
    }
    const op = OPERATORS.find((o) => this.s.startsWith(o, at));
    if (!op) return undefined;
    this.pos = at + op.length;
    const token: Token = { kind: 'operator', op, start, end: this.pos };
    if (digits) token.fd = Math.min(Number(digits[0]), 1 << 20);
    return token;
  }

  private word(start: number): Token {
    const parts: WordPart[] = [];
    if (this.s[this.pos] === '~' && (this.pos + 1 >= this.s.length || this.s[this.pos + 1] === '/' || METACHARS.has(this.s[this.pos + 1]!))) {
      parts.push({ kind: 'tilde' });
      this.pos++;
    }
    while (this.pos < this.s.length && !METACHARS.has(this.s[this.pos]!)) {
      const c = this.s[this.pos]!;
      if (c === "'") this.singleQuoted(parts);
      else if (c === '"') this.doubleQuoted(parts);
      else if (c === '\\') this.escaped(parts);
      else if (c === '$') this.dollar(parts, false);
      else this.literal(parts, c, false);
    }
    return { kind: 'word', word: { parts, source: this.s.slice(start, this.pos) }, start, end: this.pos };
  }

  private literal(parts: WordPart[], text: string, quoted: boolean): void {
    const last = parts[parts.length - 1];
    if (last && last.kind === 'literal' && last.quoted === quoted) last.text += text;
    else parts.push({ kind: 'literal', text, quoted });
    this.pos++;
  }

  private escaped(parts: WordPart[]): void {
    if (this.pos + 1 >= this.s.length) return this.literal(parts, '\\', false);
    this.pos++;
    this.literal(parts, this.s[this.pos]!, true);
  }

  private singleQuoted(parts: WordPart[]): void {
    const close = this.s.indexOf("'", this.pos + 1);
    if (close < 0) throw new LexError(`unexpected EOF while looking for matching '''`);
    parts.push({ kind: 'literal', text: this.s.slice(this.pos + 1, close), quoted: true });
    this.pos = close + 1;
  }

  private doubleQuoted(parts: WordPart[]): void {
    this.pos++;
    // An empty "" still makes a (quoted, empty) word.
    parts.push({ kind: 'literal', text: '', quoted: true });
    for (;;) {
      if (this.pos >= this.s.length) throw new LexError(`unexpected EOF while looking for matching '"'`);
      const c = this.s[this.pos]!;
      if (c === '"') break;
      if (c === '$') this.dollar(parts, true);
      else if (c === '\\' && '$`"\\'.includes(this.s[this.pos + 1] ?? '')) {
        this.pos++;
        this.literal(parts, this.s[this.pos]!, true);
      } else this.literal(parts, c, true);
    }
    this.pos++;
  }

  /** $NAME, ${NAME}, $?, $$, $#, $0…$9; a lone $ is literal. */
  private dollar(parts: WordPart[], quoted: boolean): void {
    const next = this.s[this.pos + 1] ?? '';
    if (next === '{') return this.braced(parts, quoted);
    if ('?$#'.includes(next) && next !== '' || /[0-9]/.test(next)) {
      parts.push({ kind: 'variable', name: next, quoted });
      this.pos += 2;
      return;
    }
    if (!NAME_START.test(next)) return this.literal(parts, '$', quoted);
    let end = this.pos + 1;
    while (end < this.s.length && NAME_CHAR.test(this.s[end]!)) end++;
    parts.push({ kind: 'variable', name: this.s.slice(this.pos + 1, end), quoted });
    this.pos = end;
  }

  private braced(parts: WordPart[], quoted: boolean): void {
    const close = this.s.indexOf('}', this.pos + 2);
    if (close < 0) throw new LexError(`unexpected EOF while looking for matching '}'`);
    const name = this.s.slice(this.pos + 2, close);
    const valid = /^(?:[A-Za-z_][A-Za-z0-9_]*|[?$#]|[0-9]+)$/.test(name);
    if (!valid) throw new LexError(`\${${name}}: bad substitution`);
    parts.push({ kind: 'variable', name, quoted });
    this.pos = close + 1;
  }
}
