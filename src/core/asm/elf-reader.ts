// Reads ELF32 little-endian RISC-V executables as GNU ld writes them (System V gABI,
// "Program Loading" and "Symbol Table"): PT_LOAD segments become the image's segments,
// e_entry its entry, and .symtab its symbols (tohost, _start...). Anything else — not
// ELF, 64-bit, big-endian, another machine, truncated — is one ElfError with a clear message.

import { archHasC } from './isa-string.ts';
import { SEG_R, SEG_W, SEG_X, type ProgramImage, type Segment, type SymbolInfo } from './image.ts';

export class ElfError extends Error {
  override name = 'ElfError';
}

const ELFCLASS32 = 1;
const ELFCLASS64 = 2;
const ELFDATA2LSB = 1;
const ET_EXEC = 2;
const ET_DYN = 3;
const EM_RISCV = 243;
const PT_LOAD = 1;
const SHT_SYMTAB = 2;
const SHN_UNDEF = 0;
const STT_OBJECT = 1;
const STT_FUNC = 2;
const STT_SECTION = 3;
const STT_FILE = 4;

export function readElf(bytes: Uint8Array): ProgramImage {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  checkIdent(bytes);
  need(bytes, 52, 'the ELF header');
  const type = view.getUint16(16, true);
  const machine = view.getUint16(18, true);
  if (machine !== EM_RISCV) throw new ElfError(`not a RISC-V ELF file (e_machine is ${machine}, RISC-V is ${EM_RISCV})`);
  if (type !== ET_EXEC && type !== ET_DYN) throw new ElfError(`not an executable ELF file (e_type is ${type}); link it first`);
  const { symbols, info, isaMarks } = readSymbols(bytes, view);
  const rvc = usesRvc(bytes, view);
  const image: ProgramImage = {
    entry: checkEntry(view.getUint32(24, true), rvc),
    segments: readSegments(bytes, view),
    symbols,
    lines: [],
    symbolInfo: info,
  };
  if (rvc) image.rvc = true;
  if (isaMarks.length) image.isaMarks = isaMarks;
  return image;
}

const SHT_RISCV_ATTRIBUTES = 0x70000003;
const EF_RISCV_RVC = 0x1;

/**
 * Whether 16-bit words are C instructions, as objdump decides: the ISA string of the
 * RISC-V attributes section (Tag_RISCV_arch) when there is one, else the EF_RISCV_RVC flag.
 */
function usesRvc(bytes: Uint8Array, view: DataView): boolean {
  const shoff = view.getUint32(32, true);
  const shentsize = view.getUint16(46, true);
  const shnum = view.getUint16(48, true);
  for (let i = 0; shoff !== 0 && shentsize >= 40 && i < shnum && shoff + (i + 1) * shentsize <= bytes.length; i++) {
    const at = shoff + i * shentsize;
    if (view.getUint32(at + 4, true) !== SHT_RISCV_ATTRIBUTES) continue;
    const offset = view.getUint32(at + 16, true);
    const end = Math.min(bytes.length, offset + view.getUint32(at + 20, true));
    const text = latin1(bytes, offset, end);
    const arch = /rv(32|64)[a-z0-9_]*/.exec(text)?.[0];
    if (arch) return archHasC(arch);
  }
  return (view.getUint32(36, true) & EF_RISCV_RVC) !== 0;
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

/** The entry must be an instruction address: IALIGN is 32 bits, or 16 in an image that uses
 *  the C extension (unprivileged spec 1.5). An odd entry is never one: bit 0 of pc is zero. */
function checkEntry(entry: number, rvc: boolean): number {
  const hex = `0x${entry.toString(16).padStart(8, '0')}`;
  if (entry % 2 !== 0) throw new ElfError(`entry point ${hex} is odd: an instruction address has bit 0 clear`);
  if (entry % 4 !== 0 && !rvc) {
    throw new ElfError(`entry point ${hex} is not 4-byte aligned, and the file does not use compressed instructions (its ISA has no C)`);
  }
  return entry;
}

function checkIdent(bytes: Uint8Array): void {
  if (bytes.length < 4 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new ElfError('not an ELF file (no \\x7fELF magic)');
  }
  need(bytes, 16, 'the ELF identification');
  if (bytes[4] === ELFCLASS64) throw new ElfError('64-bit ELF file; Trapdoor runs 32-bit RISC-V (RV32) programs');
  if (bytes[4] !== ELFCLASS32) throw new ElfError(`unknown ELF class ${bytes[4]}`);
  if (bytes[5] !== ELFDATA2LSB) throw new ElfError('big-endian ELF file; RISC-V is little-endian');
}

function need(bytes: Uint8Array, end: number, what: string): void {
  if (end > bytes.length) {
    throw new ElfError(`truncated ELF file: ${what} ends at byte ${end}, the file has ${bytes.length}`);
  }
}

function readSegments(bytes: Uint8Array, view: DataView): Segment[] {
  const phoff = view.getUint32(28, true);
  const phentsize = view.getUint16(42, true);
  const phnum = view.getUint16(44, true);
  if (phnum > 0 && phentsize < 32) throw new ElfError(`bad program header size ${phentsize}`);
  need(bytes, phoff + phnum * phentsize, 'the program header table');
  const segments: Segment[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (view.getUint32(at, true) !== PT_LOAD) continue;
    const offset = view.getUint32(at + 4, true);
    const vaddr = view.getUint32(at + 8, true);
    const fileSize = view.getUint32(at + 16, true);
    const memSize = view.getUint32(at + 20, true);
    const pflags = view.getUint32(at + 24, true);
    // A segment with no file bytes (.bss only) reads nothing, so its offset does not
    // matter: GNU readelf and the Linux loader accept any p_offset there.
    if (fileSize > 0) need(bytes, offset + fileSize, `segment ${i}`);
    if (memSize < fileSize) throw new ElfError(`segment ${i} is smaller in memory than in the file`);
    if (memSize === 0) continue;
    segments.push({
      vaddr,
      bytes: bytes.slice(offset, offset + fileSize),
      memSize,
      // ELF p_flags use the same bit values as SEG_X/W/R (X=1, W=2, R=4).
      flags: pflags & (SEG_X | SEG_W | SEG_R),
    });
  }
  if (segments.length === 0) throw new ElfError('the ELF file has no loadable (PT_LOAD) segment');
  return segments;
}

interface SymbolTables { symbols: Map<string, number>; info: Map<string, SymbolInfo>; isaMarks: { addr: number; rvc: boolean }[] }

function readSymbols(bytes: Uint8Array, view: DataView): SymbolTables {
  const symbols = new Map<string, number>();
  const kinds = new Map<string, SymbolInfo>();
  const isaMarks: { addr: number; rvc: boolean }[] = [];
  const shoff = view.getUint32(32, true);
  const shentsize = view.getUint16(46, true);
  const shnum = view.getUint16(48, true);
  if (shoff === 0 || shnum === 0) return { symbols, info: kinds, isaMarks };
  if (shentsize < 40) throw new ElfError(`bad section header size ${shentsize}`);
  need(bytes, shoff + shnum * shentsize, 'the section header table');
  const section = (i: number) => {
    const at = shoff + i * shentsize;
    return {
      type: view.getUint32(at + 4, true), offset: view.getUint32(at + 16, true),
      size: view.getUint32(at + 20, true), link: view.getUint32(at + 24, true),
      entsize: view.getUint32(at + 36, true),
    };
  };
  for (let i = 0; i < shnum; i++) {
    const sym = section(i);
    if (sym.type !== SHT_SYMTAB) continue;
    if (sym.link >= shnum) throw new ElfError('symbol table points to a missing string table');
    const strtab = section(sym.link);
    need(bytes, sym.offset + sym.size, 'the symbol table');
    need(bytes, strtab.offset + strtab.size, 'the string table');
    const entsize = sym.entsize || 16;
    for (let at = sym.offset; at + 16 <= sym.offset + sym.size; at += entsize) {
      const info = bytes[at + 12];
      const shndx = view.getUint16(at + 14, true);
      const kind = info & 0xf;
      if (shndx === SHN_UNDEF || kind === STT_SECTION || kind === STT_FILE) continue;
      const name = cString(bytes, strtab.offset + view.getUint32(at, true), strtab.offset + strtab.size);
      if (!name) continue;
      // `$x<isa>` mapping symbols say where the ISA (with or without C) changes.
      if (name.startsWith('$x') && name.length > 2) isaMarks.push({ addr: view.getUint32(at + 4, true), rvc: archHasC(name.slice(2)) });
      // Globals win over locals of the same name (local labels repeat across files).
      const global = info >> 4 !== 0;
      if (global || !symbols.has(name)) {
        symbols.set(name, view.getUint32(at + 4, true));
        const k = kind === STT_FUNC ? 'function' : kind === STT_OBJECT ? 'object' : 'other';
        kinds.set(name, { kind: k, global, size: view.getUint32(at + 8, true) });
      }
    }
  }
  return { symbols, info: kinds, isaMarks: isaMarks.sort((a, b) => a.addr - b.addr) };
}

function cString(bytes: Uint8Array, start: number, limit: number): string {
  let end = start;
  while (end < limit && bytes[end] !== 0) end++;
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]);
  return s;
}
