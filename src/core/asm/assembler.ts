// The assembler driver: lex, parse, lay out (resolve), then encode with final addresses,
// and package the result as a loadable ProgramImage and an ELF32 executable.
// Every phase reports into one DiagnosticSink and keeps going, so a learner sees every
// error at once; an image is produced only when there are none.

import type { Diagnostic } from '../diagnostic.ts';
import { DiagnosticSink } from './diagnostics-catalogue.ts';
import { encode } from './encoder.ts';
import { evaluate, type Value } from './expression.ts';
import { SEG_R, SEG_W, SEG_X, type LineEntry, type ProgramImage, type Segment } from './image.ts';
import type { MachineOp } from './instruction-forms.ts';
import { Layout, LOCAL_SEP } from './layout.ts';
import { tokenize } from './lexer.ts';
import { parse } from './parser.ts';
import { Resolver } from './relocation.ts';
import type { Item, Section, SectionName } from './section.ts';
import { placeSections, type Placement } from './section-placement.ts';
import { writeElf, type ElfSymbol } from './elf-writer.ts';

export interface AssembleOptions {
  file?: string;
  /** Address of .text: 0x80000000 (bare metal, the default) or 0x10000 (Linux user). */
  textBase?: number;
}

export interface AssembleResult {
  diagnostics: Diagnostic[];
  image?: ProgramImage;
  elf?: Uint8Array;
}

export const BARE_METAL_TEXT_BASE = 0x80000000;

export function assemble(source: string, options: AssembleOptions = {}): AssembleResult {
  const sink = new DiagnosticSink(options.file ?? 'input.s');
  let result: AssembleResult;
  try {
    result = run(source, options.textBase ?? BARE_METAL_TEXT_BASE, sink);
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

function run(source: string, textBase: number, sink: DiagnosticSink): AssembleResult {
  const layout = new Layout(sink);
  layout.run(parse(tokenize(source, sink), sink));
  const placement = placeSections(layout.sections, textBase >>> 0);
  const symbols = finalSymbols(layout, placement);
  const resolver = new Resolver((n) => symbols.get(n), sink);
  for (const [name, sec] of layout.sections) notePcrelHi(sec, placement.get(name)!, resolver);
  for (const [name, sec] of layout.sections) fill(sec, placement.get(name)!, resolver);
  if (sink.errorCount > 0) return { diagnostics: sink.list };
  const image = buildImage(layout, placement, symbols, textBase >>> 0);
  const elf = writeElf({ image, sections: sectionsForElf(layout, placement), symbols: elfSymbols(layout, placement, symbols) });
  return { diagnostics: sink.list, image, elf };
}

/** Every symbol's absolute value; assignments are evaluated now that addresses are final. */
function finalSymbols(layout: Layout, placement: Placement): Map<string, bigint> {
  const out = new Map<string, bigint>();
  const busy = new Set<string>();
  const absolute = (v: Value): bigint => (v.section ? BigInt(placement.get(v.section as SectionName)!) + v.v : v.v);
  const resolve = (name: string): bigint | undefined => {
    if (out.has(name)) return out.get(name);
    const s = layout.symbols.get(name);
    if (!s || busy.has(name)) return undefined;
    let v: bigint | undefined;
    if (s.value) v = absolute(s.value);
    else if (s.expr) {
      busy.add(name);
      try {
        v = evaluate(s.expr, (n) => { const r = resolve(n); return r === undefined ? undefined : { v: r }; }, { v: absolute(s.dot!) }).v;
      } catch { v = undefined; }
      busy.delete(name);
    }
    if (v !== undefined) out.set(name, BigInt.asIntN(64, v));
    return v;
  };
  for (const name of layout.symbols.entries.keys()) resolve(name);
  return out;
}

function notePcrelHi(sec: Section, base: number, resolver: Resolver): void {
  for (const item of sec.items) {
    if (item.kind !== 'instruction') continue;
    item.ops.forEach((op, i) => { if (typeof op.imm === 'object') resolver.notePcrelHi(op.imm, (base + item.offset + 4 * i) >>> 0); });
  }
}

function fill(sec: Section, base: number, resolver: Resolver): void {
  for (const item of sec.items) fillItem(sec, item, base, resolver);
}

function fillItem(sec: Section, item: Item, base: number, resolver: Resolver): void {
  const addr = (base + item.offset) >>> 0;
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
  item.ops.forEach((op, i) => {
    const word = encodeOp(op, (addr + 4 * i) >>> 0, item.mnemonic, resolver);
    if (word !== undefined) writeLE(sec.bytes, item.offset + 4 * i, BigInt(word), 4);
  });
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

function sectionSize(sec: Section | undefined): number {
  return !sec ? 0 : sec.name === '.bss' ? sec.size : sec.bytes.length;
}

function buildImage(layout: Layout, placement: Placement, symbols: Map<string, bigint>, textBase: number): ProgramImage {
  const segments: Segment[] = [];
  const add = (name: SectionName, flags: number) => {
    const sec = layout.sections.get(name);
    if (sectionSize(sec) > 0) segments.push({ vaddr: placement.get(name)!, bytes: Uint8Array.from(sec!.bytes), memSize: sec!.bytes.length, flags });
  };
  add('.text', SEG_R | SEG_X);
  add('.rodata', SEG_R);
  add('.data', SEG_R | SEG_W);
  const bss = layout.sections.get('.bss');
  if (sectionSize(bss) > 0) {
    const bssStart = placement.get('.bss')!;
    const data = segments.find((s) => s.flags === (SEG_R | SEG_W));
    if (data) data.memSize = bssStart + bss!.size - data.vaddr;
    else segments.push({ vaddr: bssStart, bytes: new Uint8Array(0), memSize: bss!.size, flags: SEG_R | SEG_W });
  }
  const visible = new Map<string, number>();
  for (const [name, v] of symbols) if (!name.includes(LOCAL_SEP)) visible.set(name, Number(BigInt.asUintN(32, v)));
  const lines: LineEntry[] = layout.lines
    .map((l) => ({ addr: (placement.get(l.section)! + l.offset) >>> 0, file: layout.sink.file, line: l.line, column: l.column }))
    .sort((a, b) => a.addr - b.addr);
  const start = visible.get('_start');
  const text = layout.sections.get('.text');
  const textAddr = placement.get('.text')!;
  const dataRanges = (text?.dataRanges ?? []).map(([a, b]): [number, number] => [textAddr + a, textAddr + b]);
  return { entry: start ?? textBase, segments, symbols: visible, lines, dataRanges };
}

function sectionsForElf(layout: Layout, placement: Placement) {
  return [...layout.sections.values()]
    .filter((s) => sectionSize(s) > 0)
    .sort((a, b) => placement.get(a.name)! - placement.get(b.name)!)
    .map((s) => ({ name: s.name, addr: placement.get(s.name)!, bytes: Uint8Array.from(s.bytes), size: sectionSize(s), align: s.align, dataRanges: s.dataRanges }));
}

/** Symbols for .symtab: labels and assignments, minus assembler-internal local labels. */
function elfSymbols(layout: Layout, placement: Placement, values: Map<string, bigint>): ElfSymbol[] {
  const out: ElfSymbol[] = [];
  for (const s of layout.symbols.entries.values()) {
    if (s.name.includes(LOCAL_SEP) || s.name.startsWith('.L')) continue;
    const v = values.get(s.name);
    if (v === undefined) continue;
    const section = s.value?.section as SectionName | undefined;
    let size = 0;
    if (s.size) {
      try { size = Number(BigInt.asUintN(32, evaluate(s.size, (n) => { const r = values.get(n); return r === undefined ? undefined : { v: r }; }, { v: 0n }).v)); } catch { size = 0; }
    }
    out.push({ name: s.name, value: Number(BigInt.asUintN(32, v)), size, global: s.global, type: s.type, section: section && placement.has(section) ? section : undefined });
  }
  return out;
}
