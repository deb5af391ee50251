// Assembler directives (GNU as manual, "Assembler Directives", and the RISC-V specific
// ones in "RISC-V Dependent Features"). Each handler reads its operands and acts on the
// layout: switch section, define symbols, emit data, align.

import type { DiagnosticSink, SourceSpan } from './diagnostics-catalogue.ts';
import { didYouMean } from './edit-distance.ts';
import type { Expr, Value } from './expression.ts';
import type { Token } from './lexer.ts';
import { spanOf, textOf } from './parser.ts';
import { archHasC } from './isa-string.ts';
import { outputSectionFor, type Section, type SectionName } from './section.ts';
import type { SymbolTable } from './symbol-table.ts';

/** What a directive may read and change of the layout in progress (layout.ts's Layout). */
export interface Layout {
  readonly sink: DiagnosticSink;
  readonly symbols: SymbolTable;
  /** undefined while in a discarded section. */
  current: Section | undefined;
  rvc: boolean;
  /** RVC was turned on at some point (the ELF then says so). */
  usedRvc: boolean;
  pic: boolean;
  readonly optionStack: { rvc: boolean; pic: boolean }[];
  ended: boolean;
  section(name: string, output: SectionName): Section;
  assign(name: string, operands: Token[][], at: SourceSpan, once: boolean): void;
  evaluateNow(e: Expr, dot?: Value): Value;
  /** The current location: section and offset. */
  here(): Value;
  expression(toks: Token[], fallback: SourceSpan): Expr | undefined;
  constantNow(e: Expr, at: SourceSpan, what: string): bigint | undefined;
}

type Handler = (L: Layout, op: Token, args: Token[][]) => void;

const NOP = 0x00000013;
// Sizes the lab can hold: bytes in the file are real memory here, .bss is only a count.
const MAX_SPACE = 4 << 20;
const MAX_BSS_SPACE = 128 << 20;

const dataSize = (size: 1 | 2 | 4 | 8): Handler => (L, op, args) => emitData(L, op, args, size);

const HANDLERS: Record<string, Handler> = {
  '.text': (L) => { L.current = L.section('.text', '.text'); },
  '.data': (L) => { L.current = L.section('.data', '.data'); },
  '.bss': (L) => { L.current = L.section('.bss', '.bss'); },
  '.section': sectionDirective,
  '.globl': globl, '.global': globl, '.weak': globl,
  '.local': symbolNames, '.hidden': symbolNames, '.protected': symbolNames,
  '.equ': (L, op, a) => assignDirective(L, op, a, false),
  '.set': (L, op, a) => assignDirective(L, op, a, false),
  '.equiv': (L, op, a) => assignDirective(L, op, a, true),
  '.byte': dataSize(1),
  '.half': dataSize(2), '.2byte': dataSize(2), '.short': dataSize(2),
  '.word': dataSize(4), '.4byte': dataSize(4), '.long': dataSize(4), '.int': dataSize(4),
  '.dword': dataSize(8), '.8byte': dataSize(8), '.quad': dataSize(8),
  '.string': (L, op, a) => strings(L, op, a, true),
  '.asciz': (L, op, a) => strings(L, op, a, true),
  '.ascii': (L, op, a) => strings(L, op, a, false),
  '.space': space, '.zero': space, '.skip': space,
  '.align': (L, op, a) => align(L, op, a, 'power'),
  '.p2align': (L, op, a) => align(L, op, a, 'power'),
  '.balign': (L, op, a) => align(L, op, a, 'bytes'),
  '.option': option,
  '.type': typeDirective,
  '.size': sizeDirective,
  '.end': (L) => { L.ended = true; },
};

/** Accepted and ignored: they only describe the file for other tools. */
const IGNORED = ['.file', '.ident', '.attribute', '.addrsig', '.addrsig_sym', '.loc', '.text_section'];

export const DIRECTIVES: readonly string[] = [...Object.keys(HANDLERS), ...IGNORED];
const SUGGESTED = Object.keys(HANDLERS);

export function runDirective(L: Layout, op: Token, args: Token[][]): void {
  // GNU matches directive names without regard to case.
  const name = op.text.toLowerCase();
  const h = Object.hasOwn(HANDLERS, name) ? HANDLERS[name] : undefined;
  if (h) return h(L, op, args);
  if (IGNORED.includes(name) || name.startsWith('.cfi_')) return;
  L.sink.report('unknown-directive', op, { name: op.text, hint: didYouMean(op.text, SUGGESTED) });
}

function expect(L: Layout, op: Token, args: Token[][], ok: boolean, expected: string): boolean {
  if (!ok) L.sink.report('bad-directive-operand', spanOf(args.flat(), op), { name: op.text, expected });
  return ok;
}

function identArg(arg: Token[] | undefined): Token | undefined {
  return arg?.length === 1 && arg[0]!.kind === 'ident' ? arg[0] : undefined;
}

function sectionDirective(L: Layout, op: Token, args: Token[][]): void {
  const first = args[0];
  const tok = first?.[0];
  const name = tok?.kind === 'string' ? String.fromCharCode(...(tok.bytes ?? [])) : first ? textOf(first).replace(/ /g, '') : '';
  if (!expect(L, op, args, name !== '', 'a section name')) return;
  const out = outputSectionFor(name);
  if (out) { L.current = L.section(name, out); return; }
  // Sections no loader needs (notes, comments, debug info) are accepted and dropped.
  if (/^\.(note|comment|debug|riscv\.attributes)/.test(name)) { L.current = undefined; return; }
  L.sink.report('unknown-section', spanOf(first!, op), { name });
}

function globl(L: Layout, op: Token, args: Token[][]): void {
  for (const a of args) {
    const t = identArg(a);
    if (expect(L, op, [a], t !== undefined, 'symbol names separated by commas')) L.symbols.declareGlobal(t!.text, t!);
  }
}

function symbolNames(L: Layout, op: Token, args: Token[][]): void {
  for (const a of args) expect(L, op, [a], identArg(a) !== undefined, 'symbol names separated by commas');
}

function assignDirective(L: Layout, op: Token, args: Token[][], once: boolean): void {
  const name = identArg(args[0]);
  if (!expect(L, op, args, name !== undefined && args.length === 2, 'a symbol name and an expression')) return;
  L.assign(name!.text, [args[1]!], spanOf(args[1]!, op), once);
}

function emitData(L: Layout, op: Token, args: Token[][], size: 1 | 2 | 4 | 8): void {
  if (!expect(L, op, args, args.length > 0, 'one or more expressions')) return;
  const sec = L.current;
  for (const a of args) {
    const expr = L.expression(a, op);
    if (!sec) continue;
    const at = spanOf(a, op);
    if (sec.output === '.bss') {
      if (expr && L.constantNow(expr, at, `'${op.text}' in .bss`) !== 0n) L.sink.report('data-in-bss', at, { name: op.text });
      sec.emit(new Array(size).fill(0));
      continue;
    }
    const offset = sec.offset;
    if (expr) sec.items.push({ kind: 'data', offset, size, expr, directive: op.text, at });
    sec.markData(offset, offset + size);
    sec.emit(new Array(size).fill(0));
  }
}

function strings(L: Layout, op: Token, args: Token[][], zero: boolean): void {
  if (!expect(L, op, args, args.length > 0 && args.every((a) => a.length === 1 && a[0]!.kind === 'string'), 'one or more "strings"')) return;
  const sec = L.current;
  if (!sec) return;
  for (const a of args) {
    const bytes = [...(a[0]!.bytes ?? []), ...(zero ? [0] : [])];
    if (sec.output === '.bss' && bytes.some((b) => b !== 0)) L.sink.report('data-in-bss', a[0]!, { name: op.text });
    const start = sec.offset;
    sec.emit(bytes);
    sec.markData(start, sec.offset);
  }
}

function constantArg(L: Layout, arg: Token[] | undefined, op: Token, what: string): bigint | undefined {
  if (!arg) return undefined;
  const e = L.expression(arg, op);
  return e ? L.constantNow(e, spanOf(arg, op), what) : undefined;
}

function space(L: Layout, op: Token, args: Token[][]): void {
  if (!expect(L, op, args, args.length === 1 || args.length === 2, 'a size and an optional fill byte')) return;
  const size = constantArg(L, args[0], op, `the size of '${op.text}'`);
  const fill = args[1] ? constantArg(L, args[1], op, `the fill of '${op.text}'`) : 0n;
  if (size === undefined || fill === undefined || !L.current) return;
  const limit = L.current.output === '.bss' ? MAX_BSS_SPACE : MAX_SPACE;
  if (size < 0n || size > BigInt(limit)) {
    L.sink.report('bad-directive-operand', spanOf(args[0]!, op), { name: op.text, expected: `a size between 0 and ${limit >> 20} MiB` });
    return;
  }
  if (L.current.output === '.bss') {
    if (fill !== 0n) L.sink.report('data-in-bss', spanOf(args[1]!, op), { name: op.text });
    L.current.size += Number(size);
    return;
  }
  const start = L.current.offset;
  L.current.emit(new Array(Number(size)).fill(Number(BigInt.asUintN(8, fill))));
  L.current.markData(start, L.current.offset);
}

/** RISC-V GNU as: .align is a power of two like .p2align. Code is padded with nops. */
function align(L: Layout, op: Token, args: Token[][], unit: 'power' | 'bytes'): void {
  if (!expect(L, op, args, args.length >= 1 && args.length <= 3, 'an alignment, then optional fill and maximum skip')) return;
  const n = constantArg(L, args[0], op, `the alignment of '${op.text}'`);
  const fill = args[1] && args[1].length ? constantArg(L, args[1], op, 'the fill value') : undefined;
  const max = args[2] ? constantArg(L, args[2], op, 'the maximum skip') : undefined;
  if (n === undefined || !L.current) return;
  const bytes = unit === 'power' ? (n >= 0n && n <= 16n ? 1 << Number(n) : -1) : Number(n);
  if (bytes <= 0 || (bytes & (bytes - 1)) !== 0 || bytes > 65536) {
    L.sink.report('bad-alignment', spanOf(args[0]!, op), { value: n, detail: unit === 'power' ? 'expected 0..16' : 'expected a power of two up to 65536' });
    return;
  }
  const sec = L.current;
  sec.align = Math.max(sec.align, bytes);
  // GNU (tc-riscv.c riscv_frag_align_code): in code, without a fill, aligning to no more
  // than the instruction size (4, or 2 under RVC) emits nothing; only the section alignment grows.
  if (sec.output === '.text' && fill === undefined && bytes <= (L.rvc ? 2 : 4) && n !== 0n) return;
  const pad = (bytes - (sec.offset % bytes)) % bytes;
  const fillByte = fill === undefined ? undefined : Number(BigInt.asUintN(8, fill));
  // In code, relaxation may move this point: remember the alignment to pad it again.
  if (sec.output === '.text') sec.items.push({ kind: 'align', offset: sec.offset, size: max !== undefined && pad > Number(max) ? 0 : pad, bytes, max: max === undefined ? undefined : Number(max), fill: fillByte });
  if (max !== undefined && pad > Number(max)) return;
  if (fill === undefined && sec.output === '.text') return emitCodePadding(sec, pad);
  if (pad > 0) sec.markData(sec.offset, sec.offset + pad);
  sec.emit(new Array(pad).fill(fillByte ?? 0));
}

/** Code padding; an odd zero byte is data to objdump (GNU marks it with `$d`). */
export function emitCodePadding(sec: Section, pad: number): void {
  if (pad % 2 === 1) sec.markData(sec.offset, sec.offset + 1, true);
  sec.emit(codePadding(pad));
}

/** GNU's riscv handle_align: zero bytes to a 2-byte boundary, a c.nop to 4, then nops. */
export function codePadding(pad: number): number[] {
  const out: number[] = [];
  while (pad > 0 && pad % 2 !== 0) { out.push(0); pad--; }
  if (pad % 4 === 2) { out.push(0x01, 0x00); pad -= 2; }
  for (; pad > 0; pad -= 4) out.push(NOP & 0xff, (NOP >> 8) & 0xff, 0, 0);
  return out;
}

const OPTIONS = ['rvc', 'norvc', 'relax', 'norelax', 'pic', 'nopic', 'csr-check', 'no-csr-check'];

function option(L: Layout, op: Token, args: Token[][]): void {
  const t = identArg(args[0]);
  if (!expect(L, op, args, t !== undefined, 'an option name')) return;
  const name = t!.text;
  if (name === 'push') { L.optionStack.push({ rvc: L.rvc, pic: L.pic }); return; }
  if (name === 'pop') {
    const saved = L.optionStack.pop();
    if (saved === undefined) L.sink.report('unbalanced-option-pop', t!);
    else ({ rvc: L.rvc, pic: L.pic } = saved);
    return;
  }
  if (name === 'arch') return optionArch(L, args.slice(1));
  if (!OPTIONS.includes(name)) L.sink.report('bad-option', t!, { text: name });
  if (name === 'rvc' || name === 'norvc') L.rvc = name === 'rvc';
  if (name === 'rvc') L.usedRvc = true;
  if (name === 'pic' || name === 'nopic') L.pic = name === 'pic';
}

/**
 * `.option arch, +c` / `-c` / `rv32imac...`: only the C extension changes anything here
 * (the other extensions are always on); pushed and popped like `.option rvc`.
 */
function optionArch(L: Layout, args: Token[][]): void {
  for (const a of args) {
    const text = textOf(a).replace(/\s+/g, '');
    if (text === '+c') L.rvc = true;
    else if (text === '-c') L.rvc = false;
    else if (/^rv32/.test(text)) L.rvc = archHasC(text);
    if (L.rvc) L.usedRvc = true;
  }
}

function typeDirective(L: Layout, op: Token, args: Token[][]): void {
  const name = identArg(args[0]);
  const kind = args[1] ? textOf(args[1]).replace(/^[@%]\s*/, '') : '';
  const ok = name !== undefined && args.length === 2 && /^(function|object|STT_FUNC|STT_OBJECT|notype|STT_NOTYPE)$/.test(kind);
  if (!expect(L, op, args, ok, "a symbol and a type such as '@function' or '@object'")) return;
  if (/func/i.test(kind)) L.symbols.setType(name!.text, 'function', name!);
  else if (/object/i.test(kind)) L.symbols.setType(name!.text, 'object', name!);
}

function sizeDirective(L: Layout, op: Token, args: Token[][]): void {
  const name = identArg(args[0]);
  if (!expect(L, op, args, name !== undefined && args.length === 2, 'a symbol and a size expression')) return;
  const e = L.expression(args[1]!, op);
  if (!e) return;
  // The size usually reads `. - sym`. Where relaxation may still move code, '.' becomes a
  // hidden label here so the size follows; elsewhere it is folded into a constant now.
  if (L.current?.items.some((i) => i.kind === 'instruction' && i.relax) && hasDot(e)) {
    const mark = `\u0002size${L.symbols.entries.size}`;
    L.symbols.define({ name: mark, value: L.here(), definedAt: op, isLabel: true, global: false, order: L.current.items.length });
    L.symbols.setSize(name!.text, withDot(e, mark), name!);
    return;
  }
  try {
    const v = L.evaluateNow(e);
    L.symbols.setSize(name!.text, { k: 'num', v: v.v, at: spanOf(args[1]!, op) as SourceSpan }, name!);
  } catch {
    L.symbols.setSize(name!.text, e, name!);
  }
}

function hasDot(e: Expr): boolean {
  return e.k === 'dot' || (e.k === 'un' && hasDot(e.e)) || (e.k === 'bin' && (hasDot(e.l) || hasDot(e.r)));
}

/** The expression with '.' replaced by the symbol `mark`. */
function withDot(e: Expr, mark: string): Expr {
  switch (e.k) {
    case 'dot': return { k: 'sym', name: mark, at: e.at };
    case 'un': return { ...e, e: withDot(e.e, mark) };
    case 'bin': return { ...e, l: withDot(e.l, mark), r: withDot(e.r, mark) };
    default: return e;
  }
}
