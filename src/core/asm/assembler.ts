// The assembler driver: lex, parse, lay out (resolve), then encode with final addresses,
// and package the result as a loadable ProgramImage and an ELF32 executable.
// Every phase reports into one DiagnosticSink and keeps going, so a learner sees every
// error at once; an image is produced only when there are none.

import type { Diagnostic } from '../diagnostic.ts';
import { DiagnosticSink } from './diagnostics-catalogue.ts';
import { encode } from './encoder.ts';
import { expandIncludes } from './include.ts';
import { evaluate, type Expr, type Value } from './expression.ts';
import { SEG_R, SEG_W, SEG_X, type LineEntry, type ProgramImage, type Segment } from './image.ts';
import { opSize, type MachineOp } from './instruction-forms.ts';
import { Layout, LOCAL_SEP } from './layout.ts';
import { tokenize } from './lexer.ts';
import { parse } from './parser.ts';
import { Resolver } from './relocation.ts';
import { SECTION_ORDER, type Item, type Section, type SectionName } from './section.ts';
import { outputBytes, placeSections, type Placement } from './section-placement.ts';
import { writeElf, type ElfSection, type ElfSymbol } from './elf-writer.ts';

export interface AssembleOptions {
  file?: string;
  /** Address of .text: 0x80000000 (bare metal, the default) or 0x10000 (Linux user). */
  textBase?: number;
  /**
   * The C extension from the start (`-march=rv32imac`): ordinary instructions are compressed
   * where GNU as would compress them. Off by default; `.option rvc` turns it on from a line on.
   */
  rvc?: boolean;
  /** The files `.include "name"` may read, by name (a virtual file map). */
  files?: Readonly<Record<string, string>>;
}

export interface AssembleResult {
  diagnostics: Diagnostic[];
  image?: ProgramImage;
  elf?: Uint8Array;
}

export const BARE_METAL_TEXT_BASE = 0x80000000;
/** Larger sources are refused before lexing: memory grows with the source (tokens, items). */
export const MAX_SOURCE_CHARS = 4 * 1024 * 1024;

export function assemble(source: string, options: AssembleOptions = {}): AssembleResult {
  const sink = new DiagnosticSink(options.file ?? 'input.s');
  let result: AssembleResult;
  if (source.length > MAX_SOURCE_CHARS) {
    sink.report('source-too-large', { line: 1, column: 1, endColumn: 2 }, { size: source.length, cap: MAX_SOURCE_CHARS });
    return { diagnostics: sink.list };
  }
  try {
    result = run(source, options.textBase ?? BARE_METAL_TEXT_BASE, options.rvc ?? false, sink, options.files ?? {});
  } catch (e) {
    // A bug here must not take the lab down: report it like any other diagnostic.
    sink.report('internal-error', { line: 1, column: 1, endColumn: 2 }, { detail: e instanceof Error ? e.message : String(e) });
    result = { diagnostics: sink.list };
  }
  return { ...result, diagnostics: inSourceOrder(result.diagnostics) };
}

/** Phases report in their own order; readers want source order, each message once. */
function inSourceOrder(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list
    .filter((d) => { const k = `${d.line}:${d.column}:${d.message}`; if (seen.has(k)) return false; seen.add(k); return true; })
    .sort((a, b) => a.line - b.line || a.column - b.column);
}

function run(source: string, textBase: number, rvc: boolean, sink: DiagnosticSink, files: Readonly<Record<string, string>>): AssembleResult {
  const layout = new Layout(sink, rvc);
  layout.run(expandIncludes(parse(tokenize(source, sink), sink), sink.file, files, sink));
  const placement = placeSections(layout.sections.values(), textBase >>> 0);
  const past = [...placement.output].find(([, out]) => out.size > 0 && out.addr + out.size > 2 ** 32);
  if (past) {
    sink.report('address-overflow', { line: 1, column: 1, endColumn: 2 }, { name: past[0], end: `0x${(past[1].addr + past[1].size).toString(16)}` });
    return { diagnostics: sink.list };
  }
  const symbols = finalSymbols(layout, placement);
  const lookup = withLinkerSymbols(symbols, placement);
  const resolver = new Resolver(lookup, sink);
  for (const sec of layout.sections.values()) notePcrelHi(sec, placement.input.get(sec.name)!, resolver);
  for (const sec of layout.sections.values()) fill(sec, placement.input.get(sec.name)!, resolver);
  if (sink.errorCount > 0) return { diagnostics: sink.list };
  const image = buildImage(layout, placement, symbols, textBase >>> 0);
  if (layout.usedRvc) image.rvc = true;
  const elf = writeElf({ image, sections: sectionsForElf(placement), symbols: elfSymbols(layout, placement, symbols), rvc: layout.usedRvc });
  return { diagnostics: sink.list, image, elf };
}

/** Every symbol's absolute value; assignments are evaluated now that addresses are final.
 *  Iterative (an explicit stack, dependencies first), so a chain of 50,000 `.equ`s that
 *  each name the next costs memory in proportion, never the host's call stack. */
function finalSymbols(layout: Layout, placement: Placement): Map<string, bigint> {
  const out = new Map<string, bigint>();
  const failed = new Set<string>();
  const linker = withLinkerSymbols(out, placement);
  const absolute = (v: Value): bigint => (v.section ? BigInt(placement.input.get(v.section)!) + v.v : v.v);
  const lookup = (n: string): Value | undefined => { const r = out.get(n) ?? linker(n); return r === undefined ? undefined : { v: r }; };
  const started = new Set<string>();
  const done = (name: string) => out.has(name) || failed.has(name);
  for (const root of layout.symbols.entries.keys()) {
    const stack = [root];
    while (stack.length > 0) {
      const name = stack[stack.length - 1]!;
      const s = layout.symbols.get(name);
      if (done(name) || !s) { if (!s) failed.add(name); stack.pop(); continue; }
      if (!started.has(name) && s.expr) {
        // First visit: resolve what it names before it; a name already started is a cycle.
        started.add(name);
        stack.push(...symbolNames(s.expr).filter((n) => layout.symbols.get(n) && !done(n) && !started.has(n)));
        continue;
      }
      stack.pop();
      let v: bigint | undefined;
      if (s.value) v = absolute(s.value);
      else if (s.expr) {
        try { v = evaluate(s.expr, lookup, { v: absolute(s.dot!) }).v; } catch { v = undefined; }
      }
      if (v === undefined) failed.add(name); else out.set(name, BigInt.asIntN(64, v));
    }
  }
  return out;
}

/** The symbols an expression names (its depth is bounded by the parser). */
function symbolNames(e: Expr): string[] {
  switch (e.k) {
    case 'sym': return [e.name];
    case 'un': return symbolNames(e.e);
    case 'bin': return [...symbolNames(e.l), ...symbolNames(e.r)];
    default: return [];
  }
}

/**
 * Symbol lookup for the fill-in phase, with what the linker provides: __global_pointer$,
 * defined (and put in the symbol table) only when the program refers to it.
 */
function withLinkerSymbols(symbols: Map<string, bigint>, placement: Placement): (name: string) => bigint | undefined {
  return (name) => {
    const v = symbols.get(name);
    if (v !== undefined || name !== GLOBAL_POINTER) return v;
    const gp = BigInt(globalPointer(placement));
    symbols.set(GLOBAL_POINTER, gp);
    return gp;
  };
}

/** The symbol gcc's code reaches small data through (gp-relative addressing, RISC-V psABI). */
export const GLOBAL_POINTER = '__global_pointer$';

/**
 * GNU ld's default script (elf32lriscv): __global_pointer$ = MIN(__SDATA_BEGIN__ + 0x800,
 * MAX(__DATA_BEGIN__ + 0x800, __BSS_END__ - 0x800)), so gp ± 2 KiB covers the small data.
 * Small data goes at the end of .data here, where ld puts .sdata after .data.
 */
function globalPointer(placement: Placement): number {
  const data = placement.output.get('.data')!;
  const bss = placement.output.get('.bss')!;
  const small = data.inputs.find((s) => s.name.startsWith('.sdata'));
  const sdataBegin = small ? placement.input.get(small.name)! : data.addr + data.size;
  return Math.min(sdataBegin + 0x800, Math.max(data.addr + 0x800, bss.addr + bss.size - 0x800)) >>> 0;
}

function notePcrelHi(sec: Section, base: number, resolver: Resolver): void {
  for (const item of sec.items) {
    if (item.kind !== 'instruction') continue;
    let offset = item.offset;
    for (const op of item.ops) {
      if (typeof op.imm === 'object') resolver.notePcrelHi(op.imm, (base + offset) >>> 0);
      offset += opSize(op);
    }
  }
}

function fill(sec: Section, base: number, resolver: Resolver): void {
  for (const item of sec.items) fillItem(sec, item, base, resolver);
}

function fillItem(sec: Section, item: Item, base: number, resolver: Resolver): void {
  const addr = (base + item.offset) >>> 0;
  if (item.kind === 'align' || item.kind === 'isa') return;
  if (item.kind === 'data') {
    const v = resolver.value(item.expr, addr);
    if (v === undefined) return;
    const bits = item.size * 8;
    if (v < -(1n << BigInt(bits - 1)) || v >= 1n << BigInt(bits)) {
      warnTruncated(resolver, item, v, bits);
    }
    writeLE(sec.bytes, item.offset, BigInt.asUintN(bits, v), item.size);
    return;
  }
  let offset = 0;
  for (const op of item.ops) {
    const word = encodeOp(op, (addr + offset) >>> 0, item.mnemonic, resolver);
    if (word !== undefined) writeLE(sec.bytes, item.offset + offset, BigInt(word), opSize(op));
    offset += opSize(op);
  }
}

function warnTruncated(resolver: Resolver, item: Item & { kind: 'data' }, v: bigint, bits: number): void {
  resolver.sink.report('value-truncated', item.at, { value: v, bits }, 'warning');
}

function encodeOp(op: MachineOp, pc: number, mnemonic: string, resolver: Resolver): number | undefined {
  const imm = typeof op.imm === 'object' ? resolver.field(op.imm, pc, mnemonic) : op.imm;
  const csr = typeof op.csr === 'object' ? resolver.field(op.csr, pc, mnemonic) : op.csr;
  if ((op.imm !== undefined && imm === undefined) || (op.csr !== undefined && csr === undefined)) return undefined;
  return encode(op.ins, { rd: op.rd, rs1: op.rs1, rs2: op.rs2, imm, csr });
}

function writeLE(bytes: number[], offset: number, v: bigint, size: number): void {
  for (let i = 0; i < size; i++) bytes[offset + i] = Number((v >> BigInt(8 * i)) & 0xffn);
}

function buildImage(layout: Layout, placement: Placement, symbols: Map<string, bigint>, textBase: number): ProgramImage {
  const segments: Segment[] = [];
  const out = (name: SectionName) => placement.output.get(name)!;
  for (const [name, flags] of [['.text', SEG_R | SEG_X], ['.rodata', SEG_R], ['.data', SEG_R | SEG_W]] as const) {
    const o = out(name);
    if (o.size > 0) segments.push({ vaddr: o.addr, bytes: outputBytes(placement, name), memSize: o.size, flags });
  }
  const bss = out('.bss');
  if (bss.size > 0) {
    const data = segments.find((s) => s.flags === (SEG_R | SEG_W));
    if (data) data.memSize = bss.addr + bss.size - data.vaddr;
    else segments.push({ vaddr: bss.addr, bytes: new Uint8Array(0), memSize: bss.size, flags: SEG_R | SEG_W });
  }
  const visible = new Map<string, number>();
  for (const [name, v] of symbols) if (!name.includes(LOCAL_SEP)) visible.set(name, Number(BigInt.asUintN(32, v)));
  const lines: LineEntry[] = layout.lines
    .map((l) => ({ addr: (placement.input.get(l.section)! + l.offset) >>> 0, file: l.file ?? layout.sink.file, line: l.line, column: l.column }))
    .sort((a, b) => a.addr - b.addr);
  const start = visible.get('_start');
  const isaMarks = placement.output.get('.text')!.inputs.flatMap((s) => s.items
    .filter((i) => i.kind === 'isa')
    .map((i) => ({ addr: (placement.input.get(s.name)! + i.offset) >>> 0, rvc: i.rvc })));
  return { entry: start ?? textBase, segments, symbols: visible, lines, dataRanges: codeDataRanges(placement), ...(isaMarks.length ? { isaMarks } : {}) };
}

/** Data among code, as absolute address ranges (objdump's `$d` regions). */
function codeDataRanges(placement: Placement): [number, number][] {
  return placement.output.get('.text')!.inputs.flatMap((s) => {
    const base = placement.input.get(s.name)!;
    return s.dataRanges.map(([a, b]): [number, number] => [base + a, base + b]);
  });
}

function sectionsForElf(placement: Placement): ElfSection[] {
  const text = placement.output.get('.text')!.addr;
  return SECTION_ORDER.filter((n) => placement.output.get(n)!.size > 0).map((name) => {
    const o = placement.output.get(name)!;
    const dataRanges = name === '.text' ? codeDataRanges(placement).map(([a, b]): [number, number] => [a - text, b - text]) : [];
    return { name, addr: o.addr, bytes: outputBytes(placement, name), size: o.size, align: o.align, dataRanges };
  });
}

/** Symbols for .symtab: labels and assignments, minus assembler-internal local labels. */
function elfSymbols(layout: Layout, placement: Placement, values: Map<string, bigint>): ElfSymbol[] {
  const out: ElfSymbol[] = [];
  for (const s of layout.symbols.entries.values()) {
    if (s.name.includes(LOCAL_SEP) || s.name.startsWith('.L')) continue;
    const v = values.get(s.name);
    if (v === undefined) continue;
    const input = s.value?.section !== undefined ? layout.sections.get(s.value.section) : undefined;
    const section = input && placement.output.get(input.output)!.size > 0 ? input.output : undefined;
    let size = 0;
    if (s.size) {
      try { size = Number(BigInt.asUintN(32, evaluate(s.size, (n) => { const r = values.get(n); return r === undefined ? undefined : { v: r }; }, { v: 0n }).v)); } catch { size = 0; }
    }
    out.push({ name: s.name, value: Number(BigInt.asUintN(32, v)), size, global: s.global, type: s.type, section });
  }
  // The linker-defined global pointer is an absolute global symbol, as in GNU ld's output.
  const gp = values.get(GLOBAL_POINTER);
  if (!layout.symbols.get(GLOBAL_POINTER) && gp !== undefined) out.push({ name: GLOBAL_POINTER, value: Number(gp), size: 0, global: true, type: undefined, section: undefined });
  return out;
}
