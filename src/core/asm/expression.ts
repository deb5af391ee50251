// Expressions: parsing with GNU as precedence, and evaluation to a value that is either
// absolute or an offset into a section. Arithmetic is 64-bit two's complement, as in
// GNU as on a 64-bit host, so `0xffffffff` and `-1` stay distinct until an operand
// decides how many bits it keeps.
//
// GNU precedence (highest first): unary - ~ ! +;  * / % << >>;  | & ^;  + - and
// comparisons;  &&;  ||.  Comparisons yield -1 for true, as GNU does.

import type { SourceSpan } from './diagnostics-catalogue.ts';
import type { Token } from './lexer.ts';

export type Expr =
  | { k: 'num'; v: bigint; at: SourceSpan }
  | { k: 'sym'; name: string; at: SourceSpan }
  | { k: 'dot'; at: SourceSpan }
  | { k: 'un'; op: string; e: Expr; at: SourceSpan }
  | { k: 'bin'; op: string; l: Expr; r: Expr; at: SourceSpan };

export class ExprError extends Error {
  constructor(readonly at: SourceSpan, readonly detail: string) {
    super(detail);
  }
}

/** Numeric local references are renamed by the caller (`1b` -> the symbol of that label). */
export type LocalRefResolver = (tok: Token) => string;

const MAX_NESTING = 200;
const MAX_TOKENS = 2000; // evaluation recurses along the expression tree

const LEVELS: string[][] = [['||'], ['&&'], ['+', '-', '==', '!=', '<>', '<', '>', '<=', '>='], ['|', '&', '^'], ['*', '/', '%', '<<', '>>']];

/** Parse a whole token run as one expression; throws ExprError on bad syntax. */
export function parseExpr(toks: Token[], local: LocalRefResolver, whole: SourceSpan): Expr {
  if (toks.length > MAX_TOKENS) throw new ExprError(whole, `an expression longer than ${MAX_TOKENS} tokens`);
  const p = new ExprParser(toks, local, whole);
  const e = p.level(0);
  p.expectEnd();
  return e;
}

class ExprParser {
  i = 0;
  constructor(private readonly toks: Token[], private readonly local: LocalRefResolver, private readonly whole: SourceSpan) {}

  private peek(): Token | undefined {
    return this.toks[this.i];
  }

  private isPunct(t: Token | undefined, text: string): boolean {
    return t !== undefined && t.kind === 'punct' && t.text === text;
  }

  expectEnd(): void {
    const t = this.peek();
    if (t) throw new ExprError(t, `unexpected '${t.kind === 'reloc' ? '%' + t.text : t.text}' in expression`);
  }

  level(n: number): Expr {
    if (n >= LEVELS.length) return this.unary();
    let l = this.level(n + 1);
    for (;;) {
      const t = this.peek();
      if (!t || t.kind !== 'punct' || !LEVELS[n]!.includes(t.text)) return l;
      this.i++;
      const r = this.level(n + 1);
      l = { k: 'bin', op: t.text, l, r, at: t };
    }
  }

  private depth = 0;

  /** Nesting guard: a hostile `((((...` must be a diagnostic, not a stack overflow. */
  private enter(at: SourceSpan): void {
    if (++this.depth > MAX_NESTING) throw new ExprError(at, `expression nested more than ${MAX_NESTING} deep`);
  }

  private unary(): Expr {
    const t = this.peek();
    if (t) this.enter(t);
    if (t && t.kind === 'punct' && ['-', '~', '!', '+'].includes(t.text)) {
      this.i++;
      const e: Expr = { k: 'un', op: t.text, e: this.unary(), at: t };
      this.depth--;
      return e;
    }
    const p = this.primary();
    if (t) this.depth--;
    return p;
  }

  private primary(): Expr {
    const t = this.peek();
    if (!t) throw new ExprError(this.endSpan(), 'missing expression');
    this.i++;
    if (t.kind === 'number') return { k: 'num', v: t.value!, at: t };
    if (t.kind === 'localref') return { k: 'sym', name: this.local(t), at: t };
    if (t.kind === 'ident') return t.text === '.' ? { k: 'dot', at: t } : { k: 'sym', name: t.text, at: t };
    if (this.isPunct(t, '(')) {
      const e = this.level(0);
      if (!this.isPunct(this.peek(), ')')) throw new ExprError(this.peek() ?? this.endSpan(), "missing ')'");
      this.i++;
      return e;
    }
    const shown = t.kind === 'reloc' ? '%' + t.text : t.text;
    throw new ExprError(t, `unexpected '${shown}' in expression`);
  }

  private endSpan(): SourceSpan {
    const last = this.toks[this.toks.length - 1];
    return last ? { line: last.line, column: last.endColumn, endColumn: last.endColumn + 1 } : this.whole;
  }
}

/** An evaluated expression: absolute (`section` undefined) or an offset into a section. */
export interface Value {
  section?: string;
  v: bigint;
}

/** Resolves a symbol during evaluation; undefined means "not defined (yet)". */
export type SymbolLookup = (name: string, at: SourceSpan) => Value | undefined;

export class UndefinedSymbol extends Error {
  constructor(readonly symbol: string, readonly at: SourceSpan) {
    super(symbol);
  }
}

export const wrap64 = (v: bigint): bigint => BigInt.asIntN(64, v);

export function evaluate(e: Expr, lookup: SymbolLookup, dot: Value): Value {
  switch (e.k) {
    case 'num':
      return { v: e.v };
    case 'dot':
      return dot;
    case 'sym': {
      const v = lookup(e.name, e.at);
      if (!v) throw new UndefinedSymbol(e.name, e.at);
      return v;
    }
    case 'un':
      return unary(e, evaluate(e.e, lookup, dot));
    case 'bin':
      return binary(e, evaluate(e.l, lookup, dot), evaluate(e.r, lookup, dot));
  }
}

function unary(e: Expr & { k: 'un' }, x: Value): Value {
  if (e.op === '+') return x;
  requireAbsolute(x, e.at, `'${e.op}' of an address`);
  if (e.op === '-') return { v: wrap64(-x.v) };
  if (e.op === '~') return { v: wrap64(~x.v) };
  return { v: x.v === 0n ? 1n : 0n };
}

function binary(e: Expr & { k: 'bin' }, l: Value, r: Value): Value {
  if (e.op === '+') {
    if (l.section !== undefined && r.section !== undefined) throw new ExprError(e.at, 'the sum of two addresses');
    return { section: l.section ?? r.section, v: wrap64(l.v + r.v) };
  }
  if (e.op === '-') {
    if (r.section === undefined) return { section: l.section, v: wrap64(l.v - r.v) };
    if (l.section === r.section) return { v: wrap64(l.v - r.v) };
    throw new ExprError(e.at, 'the difference of symbols in different sections');
  }
  if (l.section !== undefined && r.section !== undefined && l.section === r.section && isComparison(e.op)) {
    return { v: compare(e.op, l.v, r.v) };
  }
  requireAbsolute(l, e.at, `'${e.op}' of an address`);
  requireAbsolute(r, e.at, `'${e.op}' of an address`);
  return { v: wrap64(absoluteOp(e, l.v, r.v)) };
}

function isComparison(op: string): boolean {
  return ['==', '!=', '<>', '<', '>', '<=', '>='].includes(op);
}

function compare(op: string, a: bigint, b: bigint): bigint {
  const t = op === '==' ? a === b : op === '!=' || op === '<>' ? a !== b : op === '<' ? a < b : op === '>' ? a > b : op === '<=' ? a <= b : a >= b;
  return t ? -1n : 0n;
}

function absoluteOp(e: Expr & { k: 'bin' }, a: bigint, b: bigint): bigint {
  switch (e.op) {
    case '*': return a * b;
    case '/':
    case '%':
      if (b === 0n) throw new ExprError(e.at, 'division by zero');
      return e.op === '/' ? a / b : a % b;
    case '<<': return b >= 64n || b < 0n ? 0n : a << b;
    case '>>': return b >= 64n || b < 0n ? 0n : BigInt.asUintN(64, a) >> b; // GNU shifts unsigned
    case '&': return a & b;
    case '|': return a | b;
    case '^': return a ^ b;
    case '&&': return a !== 0n && b !== 0n ? 1n : 0n;
    case '||': return a !== 0n || b !== 0n ? 1n : 0n;
    default: return compare(e.op, a, b);
  }
}

function requireAbsolute(x: Value, at: SourceSpan, what: string): void {
  if (x.section !== undefined) throw new ExprError(at, what);
}
