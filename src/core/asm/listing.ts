// A listing of a memory range in `objdump -d` format: a `<symbol>:` header where a
// symbol starts, one line per instruction (address, raw word, text), data among code as
// .byte/.short/.word, and runs of zeros folded to `...` as objdump does by default.

import { decodeText, DisassemblyState, sortedSymbols, type SymbolMap } from './disassembler.ts';
import { rvcAt, type ProgramImage } from './image.ts';

export interface ListingOptions {
  symbols?: SymbolMap;
  /** [start, end) address ranges holding data rather than code. */
  dataRanges?: [number, number][];
  /** Name for the header when no symbol marks the start (objdump uses the section). */
  sectionName?: string;
  /** The code may hold C-extension instructions (ProgramImage.rvc), switched at isaMarks. */
  rvc?: boolean;
  isaMarks?: ProgramImage['isaMarks'];
}

const SKIP_ZEROES = 8; // objdump's defaults: fold >= 8 zero bytes, or < 3 at a region's end
const SKIP_ZEROES_AT_END = 3;

/** The lines objdump -d prints for these bytes loaded at base (header lines included). */
export function listing(bytes: Uint8Array, base: number, options: ListingOptions = {}): string[] {
  const symbols = options.symbols ?? new Map<string, number>();
  const end = base + bytes.length;
  const starts = symbolStarts(symbols, base, end);
  const out: string[] = [];
  const state = new DisassemblyState(undefined, options.rvc ?? false);
  const boundaries = [...new Set([base, ...starts.keys()])].sort((a, b) => a - b);
  boundaries.forEach((start, i) => {
    const stop = boundaries[i + 1] ?? end;
    out.push('', `${hex8(start)} <${starts.get(start) ?? options.sectionName ?? '.text'}>:`);
    listRegion(bytes, base, start, stop, end, options, symbols, state, out);
  });
  return out;
}

/** objdump -d lines for [start, end) of a loaded image, using its symbols and data ranges. */
export function listRange(image: ProgramImage, start: number, end: number): string[] {
  const seg = image.segments.find((s) => start >= s.vaddr && start < s.vaddr + s.bytes.length);
  if (!seg) return [];
  const from = start - seg.vaddr;
  const to = Math.min(end, seg.vaddr + seg.bytes.length) - seg.vaddr;
  return listing(seg.bytes.subarray(from, Math.max(from, to)), start, { symbols: image.symbols, dataRanges: image.dataRanges, rvc: image.rvc, isaMarks: image.isaMarks });
}

function listRegion(bytes: Uint8Array, base: number, start: number, stop: number, end: number, options: ListingOptions, symbols: SymbolMap, state: DisassemblyState, out: string[]): void {
  let pc = start;
  while (pc < stop) {
    let z = pc;
    while (z < stop && bytes[z - base] === 0) z++;
    if (z - pc >= SKIP_ZEROES || (z === stop && z > pc && z - pc < SKIP_ZEROES_AT_END)) {
      out.push('\t...');
      // Before more bytes, objdump skips whole words only, not to eat the start of an instruction.
      pc = z === stop ? z : pc + ((z - pc) & ~3);
      continue;
    }
    const data = options.dataRanges?.find(([a, b]) => pc >= a && pc < b);
    if (!data) {
      state.rvc = rvcAt({ rvc: options.rvc, isaMarks: options.isaMarks }, pc);
      pc += codeLine(bytes, base, pc, end, symbols, state, out);
      continue;
    }
    const len = dataLength(pc, nextBoundary(options.dataRanges!, pc, end));
    if (pc + len > stop) {
      // objdump sizes data by mapping symbols, not labels, then cannot read past the label.
      out.push(`${pc.toString(16).padStart(8, ' ')}:\t           \tAddress 0x${pc.toString(16)} is out of bounds.`, '');
      return;
    }
    dataLine(bytes, base, pc, len, out);
    pc += len;
  }
}

function codeLine(bytes: Uint8Array, base: number, pc: number, end: number, symbols: SymbolMap, state: DisassemblyState, out: string[]): number {
  const half = read(bytes, pc - base, 2);
  if ((half & 3) !== 3) {
    const d = decodeText(half, pc, symbols, state); // a C instruction, or .2byte without RVC
    out.push(line(pc, hexN(half, 4), d.mnemonic, d.operands, d.comment));
    return 2;
  }
  if (end - pc < 4) {
    out.push(line(pc, hexN(half, 4), '.2byte', '0x' + half.toString(16)));
    return 2;
  }
  const word = read(bytes, pc - base, 4);
  const d = decodeText(word, pc, symbols, state);
  out.push(line(pc, hexN(word, 8), d.mnemonic, d.operands, d.comment));
  return 4;
}

/** riscv-dis.c riscv_data_length: up to 4 bytes, cut at the next code/data switch. */
function dataLength(pc: number, boundary: number): number {
  const len = Math.min(4, boundary - pc);
  return len === 3 ? 2 : len;
}

function dataLine(bytes: Uint8Array, base: number, pc: number, len: number, out: string[]): void {
  const v = read(bytes, pc - base, len);
  const directive = len === 4 ? '.word' : len === 2 ? '.short' : '.byte';
  out.push(line(pc, hexN(v, 2 * len), directive, '0x' + hexN(v, 2 * len)));
}

function nextBoundary(ranges: [number, number][], pc: number, end: number): number {
  let next = end;
  for (const [a, b] of ranges) {
    if (a > pc && a < next) next = a;
    if (b > pc && b < next) next = b;
  }
  return next;
}

function line(pc: number, raw: string, mnemonic: string, operands: string, comment?: string): string {
  const pad = raw.length === 4 ? 16 : 18 - raw.length;
  const text = operands ? `${mnemonic}\t${operands}` : mnemonic;
  return `${pc.toString(16).padStart(8, ' ')}:\t${raw}${' '.repeat(pad)}\t${text}${comment ? ' # ' + comment : ''}`;
}

function symbolStarts(symbols: SymbolMap, base: number, end: number): Map<number, string> {
  const starts = new Map<number, string>();
  for (const s of sortedSymbols(symbols)) if (s.value >= base && s.value < end && !starts.has(s.value)) starts.set(s.value, s.name);
  return starts;
}

function read(bytes: Uint8Array, at: number, len: number): number {
  let v = 0;
  for (let i = len - 1; i >= 0; i--) v = (v * 256 + (bytes[at + i] ?? 0)) >>> 0;
  return v;
}

const hexN = (v: number, n: number) => (v >>> 0).toString(16).padStart(n, '0');
const hex8 = (v: number) => hexN(v, 8);
