// Operand kinds and how a token run is read as each kind. The letters follow GNU's
// opcode table (binutils riscv-opc.c): d/s/t registers, j 12-bit immediate, o(s) memory
// operand, u 20-bit upper immediate, p/a branch/jump target, > shift amount, E CSR,
// Z 5-bit unsigned immediate, P/Q fence sets, 0(s) atomic address, I li constant,
// B/c symbol for la/call.

import { CSR_NUMBERS } from './csr-names.ts';
import type { AsmDiagnosticCode, DiagnosticParams, SourceSpan } from './diagnostics-catalogue.ts';
import { didYouMean } from './edit-distance.ts';
import { ExprError, parseExpr, type Expr, type LocalRefResolver } from './expression.ts';
import type { Token } from './lexer.ts';
import { spanOf, textOf, type Operand } from './parser.ts';
import { looksLikeRegister, registerNumber, REGISTER_NAMES } from './registers.ts';

export type ImmMode = 'value' | 'hi' | 'lo' | 'pcrel_hi' | 'pcrel_lo' | 'pcrel_lo_pair' | 'branch' | 'jump' | 'cbranch' | 'cjump';

/** An immediate whose value is known only after layout. */
export interface Imm {
  mode: ImmMode;
  expr: Expr;
  at: SourceSpan;
  /** Allowed range in 'value' mode. */
  min?: number;
  max?: number;
  /** pcrel_lo_pair: the hi part sits this many bytes before this instruction. */
  hiDelta?: number;
}

export interface Args {
  d?: number;
  s?: number;
  t?: number;
  imm?: Imm;
  csr?: Imm;
  target?: Expr;
  targetAt?: SourceSpan;
  pred?: number;
  succ?: number;
  /** Where each operand is and how it was written (for messages about one operand). */
  at?: SourceSpan[];
  texts?: string[];
}

export class OperandError {
  constructor(readonly code: AsmDiagnosticCode, readonly at: SourceSpan, readonly params: DiagnosticParams) {}
}

export const ARG_NAMES: Record<string, string> = {
  d: 'rd', s: 'rs1', t: 'rs2', j: 'imm', 'o(s)': 'offset(rs1)', 'q(s)': 'offset(rs1)', u: 'imm20', p: 'label', a: 'label',
  '>': 'shamt', E: 'csr', Z: 'uimm5', P: 'pred', Q: 'succ', '0(s)': '(rs1)', I: 'imm', B: 'symbol', c: 'symbol',
};

const KIND_WORDS: Record<string, string> = {
  j: 'an immediate', 'o(s)': 'a memory operand offset(reg)', 'q(s)': 'a memory operand offset(reg)', u: 'an immediate',
  p: 'a branch target', a: 'a jump target', '>': 'a shift amount', E: 'a CSR name or number', Z: 'an immediate',
  P: 'a fence set', Q: 'a fence set', '0(s)': 'an address (reg)', I: 'an immediate', B: 'a symbol', c: 'a symbol',
};

const RANGES: Record<string, [number, number]> = {
  j: [-2048, 2047], 'o(s)': [-2048, 2047], 'q(s)': [-2048, 2047], u: [0, 0xfffff], '>': [0, 31], Z: [0, 31],
};

const RELOCS_ALLOWED: Record<string, string[]> = { j: ['lo', 'pcrel_lo'], 'o(s)': ['lo', 'pcrel_lo'], 'q(s)': ['lo', 'pcrel_lo'], u: ['hi', 'pcrel_hi'] };

export interface OperandContext {
  mnemonic: string;
  /** 1-based operand position, for messages. */
  index: number;
  local: LocalRefResolver;
  stmtAt: SourceSpan;
  /** Substitutes symbols whose value is already a known constant (GNU does so while parsing). */
  fold: (e: Expr) => Expr;
}

/** Reads one operand as the given kind into args; throws OperandError when it does not fit. */
export function readOperand(kind: string, toks: Operand, args: Args, ctx: OperandContext): void {
  switch (kind) {
    case 'd': case 's': case 't':
      args[kind] = readRegister(toks, ctx);
      return;
    case 'o(s)': case 'q(s)': case '0(s)':
      return readMemory(kind, toks, args, ctx);
    case 'j': case 'u': case '>': case 'Z': case 'I':
      args.imm = readImmediate(kind, toks, ctx);
      return;
    case 'p': case 'a': case 'B': case 'c':
      args.target = readExpression(kind, toks, ctx);
      args.targetAt = spanOf(toks, ctx.stmtAt);
      return;
    case 'E':
      args.csr = readCsr(toks, ctx);
      return;
    case 'P': case 'Q':
      args[kind === 'P' ? 'pred' : 'succ'] = readFenceSet(toks, ctx);
      return;
  }
  throw new Error(`unknown operand kind ${kind}`);
}

function single(toks: Operand): Token | undefined {
  return toks.length === 1 ? toks[0] : undefined;
}

export function readRegister(toks: Operand, ctx: OperandContext): number {
  const t = single(toks);
  const n = t?.kind === 'ident' ? registerNumber(t.text) : undefined;
  if (n !== undefined) return n;
  const at = spanOf(toks, ctx.stmtAt);
  // Where a register is required, `A0` is a miscased register, not a symbol.
  if (t?.kind === 'ident' && looksLikeRegister(t.text, true)) {
    throw new OperandError('bad-register', at, { text: t.text, hint: didYouMean(t.text, REGISTER_NAMES) });
  }
  throw new OperandError('expected-register', at, { index: ctx.index, name: ctx.mnemonic, text: textOf(toks) });
}

function isRegisterToken(toks: Operand): boolean {
  const t = single(toks);
  return t?.kind === 'ident' && registerNumber(t.text) !== undefined;
}

function readExpression(kind: string, toks: Operand, ctx: OperandContext): Expr {
  const at = spanOf(toks, ctx.stmtAt);
  if (isRegisterToken(toks)) {
    throw new OperandError('unexpected-register', at, { index: ctx.index, name: ctx.mnemonic, kind: KIND_WORDS[kind]!, text: textOf(toks) });
  }
  const t = single(toks);
  if (t?.kind === 'ident' && looksLikeRegister(t.text)) {
    throw new OperandError('bad-register', at, { text: t.text, hint: didYouMean(t.text, REGISTER_NAMES) });
  }
  if (toks.some((t) => t.kind === 'reloc')) {
    throw new OperandError('bad-operand', at, { index: ctx.index, name: ctx.mnemonic, kind: KIND_WORDS[kind]!, text: textOf(toks) });
  }
  try {
    return ctx.fold(parseExpr(toks, ctx.local, at));
  } catch (e) {
    if (e instanceof ExprError) throw new OperandError('syntax', e.at, { detail: e.detail });
    throw e;
  }
}

function readImmediate(kind: string, toks: Operand, ctx: OperandContext): Imm {
  const at = spanOf(toks, ctx.stmtAt);
  const first = toks[0];
  if (first?.kind === 'reloc') return readRelocation(kind, toks, ctx);
  const [min, max] = RANGES[kind] ?? [undefined, undefined];
  return { mode: 'value', expr: readExpression(kind, toks, ctx), at, min, max };
}

/** `%hi(expr)` and friends; only the kinds GNU allows for this operand. */
function readRelocation(kind: string, toks: Operand, ctx: OperandContext): Imm {
  const at = spanOf(toks, ctx.stmtAt);
  const fn = toks[0]!.text;
  const open = toks[1];
  const close = toks[toks.length - 1];
  if (!open || open.text !== '(' || !close || close.text !== ')' || toks.length < 4) {
    throw new OperandError('syntax', at, { detail: `expected '%${fn}(expression)'` });
  }
  const allowed = RELOCS_ALLOWED[kind] ?? [];
  if (!allowed.includes(fn)) {
    const detail = allowed.length ? `operand ${ctx.index} of '${ctx.mnemonic}' takes ${allowed.map((a) => '%' + a).join(' or ')}` : `operand ${ctx.index} of '${ctx.mnemonic}' takes a plain expression`;
    throw new OperandError('bad-relocation', toks[0]!, { fn, detail });
  }
  const expr = readExpression(kind, toks.slice(2, -1), ctx);
  return { mode: fn as ImmMode, expr, at };
}

/** `offset(reg)`, `(reg)` or `%lo(sym)(reg)`; for atomics only `(reg)` or `0(reg)`. */
function readMemory(kind: string, toks: Operand, args: Args, ctx: OperandContext): void {
  const at = spanOf(toks, ctx.stmtAt);
  const n = toks.length;
  const fail = () => new OperandError('bad-operand', at, { index: ctx.index, name: ctx.mnemonic, kind: KIND_WORDS[kind]!, text: textOf(toks) });
  if (n < 3 || toks[n - 1]!.text !== ')' || toks[n - 3]!.text !== '(') throw fail();
  args.s = readRegister([toks[n - 2]!], { ...ctx });
  const offset = toks.slice(0, n - 3);
  if (kind === '0(s)') {
    if (offset.length === 0 || (offset.length === 1 && offset[0]!.kind === 'number' && offset[0]!.value === 0n)) return;
    throw fail();
  }
  if (offset.length === 0) {
    args.imm = { mode: 'value', expr: { k: 'num', v: 0n, at }, at, min: -2048, max: 2047 };
    return;
  }
  args.imm = readImmediate(kind, offset, ctx);
}

function readCsr(toks: Operand, ctx: OperandContext): Imm {
  const at = spanOf(toks, ctx.stmtAt);
  const t = single(toks);
  if (t?.kind === 'ident') {
    const num = CSR_NUMBERS.get(t.text);
    if (num !== undefined) return { mode: 'value', expr: { k: 'num', v: BigInt(num), at }, at, min: 0, max: 4095 };
    if (registerNumber(t.text) !== undefined) {
      throw new OperandError('unexpected-register', at, { index: ctx.index, name: ctx.mnemonic, kind: KIND_WORDS.E!, text: t.text });
    }
    if (/^[a-z][a-z0-9]*$/.test(t.text) && !t.text.startsWith('.')) {
      const hint = didYouMean(t.text, CSR_NUMBERS.keys());
      if (hint) throw new OperandError('unknown-csr', at, { name: t.text, hint });
    }
  }
  // GNU needs the CSR number when it reads the line: a name it does not know is an error.
  const expr = readExpression('E', toks, ctx);
  if (expr.k !== 'num' && t?.kind === 'ident') throw new OperandError('unknown-csr', at, { name: t.text, hint: '' });
  if (containsSymbol(expr)) throw new OperandError('not-constant', at, { what: 'a CSR number', detail: '' });
  return { mode: 'value', expr, at, min: 0, max: 4095 };
}

function containsSymbol(e: Expr): boolean {
  return e.k === 'sym' || e.k === 'dot' || (e.k === 'un' && containsSymbol(e.e)) || (e.k === 'bin' && (containsSymbol(e.l) || containsSymbol(e.r)));
}

/** Fence predecessor/successor sets: letters i, o, r, w in that order (unprivileged 2.7). */
function readFenceSet(toks: Operand, ctx: OperandContext): number {
  const t = single(toks);
  const text = textOf(toks);
  if (t?.kind === 'ident' && /^i?o?r?w?$/.test(t.text) && t.text.length > 0) {
    return (t.text.includes('i') ? 8 : 0) | (t.text.includes('o') ? 4 : 0) | (t.text.includes('r') ? 2 : 0) | (t.text.includes('w') ? 1 : 0);
  }
  throw new OperandError('bad-fence-set', spanOf(toks, ctx.stmtAt), { text });
}
