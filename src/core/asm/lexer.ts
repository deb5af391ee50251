// Phase 1 — lexical analysis: source text to tokens, GNU as conventions.
// Comments are `#` and `//` to end of line and `/* ... */`; `;` and newline end a statement.
// `1f`/`1b` are numeric local label references; `%hi` etc. are relocation operators.

import type { DiagnosticSink, SourceSpan } from './diagnostics-catalogue.ts';

export type TokenKind =
  | 'ident' // symbols, mnemonics, directives (with their leading dot), registers
  | 'number'
  | 'string'
  | 'localref' // 1f, 2b
  | 'reloc' // %hi, %lo, %pcrel_hi, %pcrel_lo
  | 'punct'
  | 'invalid' // a character that starts no token; already reported
  | 'eol'; // newline or ';'

export interface Token extends SourceSpan {
  kind: TokenKind;
  text: string;
  /** number: its value; localref: the label number. */
  value?: bigint;
  /** string: its bytes after escapes. */
  bytes?: number[];
}

export const RELOC_OPERATORS = ['hi', 'lo', 'pcrel_hi', 'pcrel_lo'] as const;

const PUNCT2 = ['<<', '>>', '&&', '||', '==', '!=', '<=', '>=', '<>'];
const PUNCT1 = ',()+-*/%&|^~!:=<>@';

const isIdentStart = (c: string) => /[A-Za-z_.$]/.test(c);
const isIdentPart = (c: string) => /[A-Za-z0-9_.$]/.test(c);
const isDigit = (c: string) => c >= '0' && c <= '9';

export function tokenize(src: string, sink: DiagnosticSink): Token[] {
  return new Lexer(src, sink).run();
}

class Lexer {
  private i = 0;
  private line = 1;
  private lineStart = 0;
  private readonly out: Token[] = [];
  constructor(private readonly src: string, private readonly sink: DiagnosticSink) {}

  run(): Token[] {
    while (this.i < this.src.length) this.step();
    this.push('eol', '', this.i, this.i);
    return this.out;
  }

  private col(at: number): number {
    return at - this.lineStart + 1;
  }

  private push(kind: TokenKind, text: string, start: number, end: number, extra: Partial<Token> = {}): Token {
    const tok: Token = { kind, text, line: this.line, column: this.col(start), endColumn: this.col(end), ...extra };
    this.out.push(tok);
    return tok;
  }

  private newline(): void {
    this.push('eol', '\n', this.i, this.i + 1);
    this.i++;
    this.line++;
    this.lineStart = this.i;
  }

  private step(): void {
    const s = this.src;
    const c = s[this.i]!;
    if (c === '\n') return this.newline();
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') { this.i++; return; }
    if (c === '#' || (c === '/' && s[this.i + 1] === '/')) return this.skipLineComment();
    if (c === '/' && s[this.i + 1] === '*') return this.skipBlockComment();
    if (c === ';') { this.push('eol', ';', this.i, this.i + 1); this.i++; return; }
    if (c === '"') return this.string();
    if (c === "'") return this.charLiteral();
    if (isDigit(c)) return this.number();
    if (isIdentStart(c)) return this.ident();
    if (c === '%' && this.relocAhead()) return;
    const two = s.slice(this.i, this.i + 2);
    if (PUNCT2.includes(two)) { this.push('punct', two, this.i, this.i + 2); this.i += 2; return; }
    if (PUNCT1.includes(c)) { this.push('punct', c, this.i, this.i + 1); this.i++; return; }
    const cp = s.codePointAt(this.i)!;
    const ch = String.fromCodePoint(cp);
    this.sink.report('bad-character', this.span(this.i, this.i + 1), { text: JSON.stringify(ch) });
    this.push('invalid', ch, this.i, this.i + ch.length);
    this.i += ch.length;
  }

  private span(start: number, end: number): SourceSpan {
    return { line: this.line, column: this.col(start), endColumn: this.col(end) };
  }

  private skipLineComment(): void {
    while (this.i < this.src.length && this.src[this.i] !== '\n') this.i++;
  }

  private skipBlockComment(): void {
    const start = this.i;
    const startSpan = this.span(start, start + 2);
    this.i += 2;
    while (this.i < this.src.length && !(this.src[this.i] === '*' && this.src[this.i + 1] === '/')) {
      if (this.src[this.i] === '\n') { this.line++; this.lineStart = this.i + 1; }
      this.i++;
    }
    if (this.i >= this.src.length) { this.sink.report('unterminated-comment', startSpan); return; }
    this.i += 2;
  }

  /** `%hi(` and friends become one token; any other `%` is the modulo operator. */
  private relocAhead(): boolean {
    const m = /^%([A-Za-z_]+)/.exec(this.src.slice(this.i, this.i + 12));
    if (!m || !(RELOC_OPERATORS as readonly string[]).includes(m[1]!)) return false;
    this.push('reloc', m[1]!, this.i, this.i + m[0].length);
    this.i += m[0].length;
    return true;
  }

  private ident(): void {
    const start = this.i;
    while (this.i < this.src.length && isIdentPart(this.src[this.i]!)) this.i++;
    this.push('ident', this.src.slice(start, this.i), start, this.i);
  }

  private number(): void {
    const s = this.src;
    const start = this.i;
    while (this.i < s.length && /[0-9A-Za-z_]/.test(s[this.i]!)) this.i++;
    const text = s.slice(start, this.i);
    const local = /^([0-9]+)([fb])$/i.exec(text);
    if (local && !/^0b[01]+$/i.test(text)) {
      this.push('localref', text, start, this.i, { value: BigInt(local[1]!) });
      return;
    }
    const value = parseNumber(text);
    if (value === undefined) {
      this.sink.report('bad-number', this.span(start, this.i), { text });
      this.push('number', text, start, this.i, { value: 0n });
      return;
    }
    this.push('number', text, start, this.i, { value });
  }

  private charLiteral(): void {
    // GNU as: 'c is the character code; a closing quote is optional.
    const start = this.i;
    this.i++;
    const r = readChar(this.src, this.i);
    if (!r) { this.sink.report('syntax', this.span(start, this.i), { detail: 'empty character constant' }); return; }
    if (r.bad !== undefined) this.sink.report('bad-escape', this.span(this.i, r.next), { text: r.bad });
    this.i = r.next;
    if (this.src[this.i] === "'") this.i++;
    this.push('number', this.src.slice(start, this.i), start, this.i, { value: BigInt(r.code) });
  }

  private string(): void {
    const start = this.i;
    this.i++;
    const bytes: number[] = [];
    while (this.i < this.src.length && this.src[this.i] !== '"' && this.src[this.i] !== '\n') {
      const r = readChar(this.src, this.i)!;
      if (r.bad !== undefined) this.sink.report('bad-escape', this.span(this.i, r.next), { text: r.bad });
      bytes.push(...r.bytes);
      this.i = r.next;
    }
    if (this.src[this.i] !== '"') {
      this.sink.report('unterminated-string', this.span(start, this.i));
      this.push('invalid', this.src.slice(start, this.i), start, this.i);
      return;
    }
    this.i++;
    this.push('string', this.src.slice(start, this.i), start, this.i, { bytes });
  }
}

/** GNU as integer syntax: 0x hex, 0b binary, leading 0 octal, else decimal. */
export function parseNumber(text: string): bigint | undefined {
  const t = text.replace(/_/g, '');
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) return BigInt(t);
  if (/^0[bB][01]+$/.test(t)) return BigInt(t);
  if (/^0[0-7]+$/.test(t)) return BigInt('0o' + t.slice(1));
  if (/^[0-9]+$/.test(t)) return BigInt(t);
  return undefined;
}

const ESCAPES: Record<string, number> = { n: 10, t: 9, r: 13, b: 8, f: 12, v: 11, a: 7, e: 27, '\\': 92, '"': 34, "'": 39 };

interface CharRead { code: number; bytes: number[]; next: number; bad?: string }

/** One source character (or escape) of a string or char literal; UTF-8 for non-ASCII. */
function readChar(src: string, i: number): CharRead | undefined {
  if (i >= src.length || src[i] === '\n') return undefined;
  if (src[i] !== '\\') {
    const cp = src.codePointAt(i)!;
    const bytes = utf8(cp);
    return { code: cp, bytes, next: i + String.fromCodePoint(cp).length };
  }
  const e = src[i + 1] ?? '';
  if (e in ESCAPES) return { code: ESCAPES[e]!, bytes: [ESCAPES[e]!], next: i + 2 };
  const oct = /^[0-7]{1,3}/.exec(src.slice(i + 1, i + 4));
  if (oct) { const v = parseInt(oct[0], 8) & 0xff; return { code: v, bytes: [v], next: i + 1 + oct[0].length }; }
  const hex = /^[xX]([0-9a-fA-F]+)/.exec(src.slice(i + 1));
  if (hex) { const v = parseInt(hex[1]!.slice(-2), 16); return { code: v, bytes: [v], next: i + 2 + hex[1]!.length }; }
  if (e === '' || e === '\n') return { code: 92, bytes: [92], next: i + 1, bad: '' };
  return { code: e.charCodeAt(0), bytes: utf8(e.codePointAt(0)!), next: i + 2, bad: e };
}

export function utf8(cp: number): number[] {
  if (cp < 0x80) return [cp];
  if (cp < 0x800) return [0xc0 | (cp >> 6), 0x80 | (cp & 63)];
  if (cp < 0x10000) return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
  return [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
}

export function utf8Bytes(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) out.push(...utf8(ch.codePointAt(0)!));
  return out;
}
