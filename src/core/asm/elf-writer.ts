// ELF32 executable writer (System V gABI "Object Files" + RISC-V psABI "ELF Object
// Files"): ET_EXEC for EM_RISCV, one PT_LOAD per loadable section group, section headers
// for .text/.rodata/.data/.bss, a symbol table with locals first, and the RISC-V
// attributes section naming the ISA so objdump decodes with the right extensions.
// e_flags: ilp32 soft-float ABI, plus EF_RISCV_RVC when compressed code may appear — what
// GNU ld writes for rv32ima (0) and rv32imac (1).

import { PAGE_SIZE } from './section-placement.ts';
import type { ProgramImage } from './image.ts';
import type { SectionName } from './section.ts';
import { utf8Bytes } from './lexer.ts';

export interface ElfSection {
  name: SectionName;
  addr: number;
  bytes: Uint8Array;
  size: number;
  align: number;
  /** Offset ranges holding data, marked with `$d` mapping symbols in code. */
  dataRanges: [number, number][];
}

export interface ElfSymbol {
  name: string;
  value: number;
  size: number;
  global: boolean;
  type?: 'function' | 'object';
  /** Undefined for absolute symbols (.equ). */
  section?: SectionName;
}

export interface ElfInput {
  image: ProgramImage;
  sections: ElfSection[];
  symbols: ElfSymbol[];
  /** The code uses the C extension: EF_RISCV_RVC, and 'c' in the attributes' ISA string. */
  rvc?: boolean;
}

export const EF_RISCV_RVC = 0x1;

const EM_RISCV = 243;
const SHT = { NULL: 0, PROGBITS: 1, SYMTAB: 2, STRTAB: 3, NOBITS: 8, RISCV_ATTRIBUTES: 0x70000003 };
const SHF = { WRITE: 1, ALLOC: 2, EXECINSTR: 4 };
const SHN_ABS = 0xfff1;
const STT = { NOTYPE: 0, OBJECT: 1, FUNC: 2, SECTION: 3 };
const PF = { X: 1, W: 2, R: 4 };
const ARCH = 'rv32i2p1_m2p0_a2p1_zicsr2p0_zifencei2p0';
const ARCH_RVC = 'rv32i2p1_m2p0_a2p1_c2p0_zicsr2p0_zifencei2p0';

class StringTable {
  bytes: number[] = [0];
  add(s: string): number {
    const at = this.bytes.length;
    for (const c of utf8Bytes(s)) this.bytes.push(c);
    this.bytes.push(0);
    return at;
  }
}

class Out {
  bytes: number[] = [];
  u8(v: number) { this.bytes.push(v & 0xff); }
  u16(v: number) { this.u8(v); this.u8(v >>> 8); }
  u32(v: number) { this.u16(v & 0xffff); this.u16(v >>> 16); }
  pad(to: number) { while (this.bytes.length < to) this.bytes.push(0); }
  put(b: ArrayLike<number>) { for (let i = 0; i < b.length; i++) this.bytes.push(b[i]!); }
}

interface Header { name: number; type: number; flags: number; addr: number; offset: number; size: number; link: number; info: number; align: number; entsize: number }

/** Tag_RISCV_arch and the privileged-spec version, in the attributes section format. */
function attributes(rvc: boolean): number[] {
  const body = [0x05, ...utf8Bytes(rvc ? ARCH_RVC : ARCH), 0, 0x08, 0x01, 0x0a, 0x0b];
  const sub = [0x01, ...le32(body.length + 5), ...body];
  const vendor = [...utf8Bytes('riscv'), 0];
  return [0x41, ...le32(4 + vendor.length + sub.length), ...vendor, ...sub];
}

function le32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}

const flagsFor = (n: SectionName) => (n === '.text' ? SHF.ALLOC | SHF.EXECINSTR : n === '.rodata' ? SHF.ALLOC : SHF.ALLOC | SHF.WRITE);

export function writeElf(input: ElfInput): Uint8Array {
  const { sections, image } = input;
  const shstr = new StringTable();
  const phnum = image.segments.length;
  const out = new Out();
  out.pad(52 + 32 * phnum);
  // Loadable sections: file offset congruent to the address modulo the page size.
  const headers: Header[] = [{ name: 0, type: 0, flags: 0, addr: 0, offset: 0, size: 0, link: 0, info: 0, align: 0, entsize: 0 }];
  const offsets = new Map<SectionName, number>();
  for (const s of sections) {
    let off = out.bytes.length;
    // NOBITS occupies no file space: like GNU ld, point it just past the preceding bytes.
    if (s.name !== '.bss') {
      off += (((s.addr - off) % PAGE_SIZE) + PAGE_SIZE) % PAGE_SIZE;
      out.pad(off);
      out.put(s.bytes);
    }
    offsets.set(s.name, off);
    headers.push({ name: shstr.add(s.name), type: s.name === '.bss' ? SHT.NOBITS : SHT.PROGBITS, flags: flagsFor(s.name), addr: s.addr, offset: off, size: s.size, link: 0, info: 0, align: s.align, entsize: 0 });
  }
  const attrs = attributes(input.rvc ?? false);
  headers.push({ name: shstr.add('.riscv.attributes'), type: SHT.RISCV_ATTRIBUTES, flags: 0, addr: 0, offset: out.bytes.length, size: attrs.length, link: 0, info: 0, align: 1, entsize: 0 });
  out.put(attrs);
  const shndx = new Map(sections.map((s, i) => [s.name, i + 1]));
  const { table, strtab, firstGlobal } = symbolTable(input, shndx);
  const symtabIndex = headers.length;
  out.pad((out.bytes.length + 3) & ~3);
  headers.push({ name: shstr.add('.symtab'), type: SHT.SYMTAB, flags: 0, addr: 0, offset: out.bytes.length, size: table.length, link: symtabIndex + 1, info: firstGlobal, align: 4, entsize: 16 });
  out.put(table);
  headers.push({ name: shstr.add('.strtab'), type: SHT.STRTAB, flags: 0, addr: 0, offset: out.bytes.length, size: strtab.length, link: 0, info: 0, align: 1, entsize: 0 });
  out.put(strtab);
  const shstrName = shstr.add('.shstrtab');
  headers.push({ name: shstrName, type: SHT.STRTAB, flags: 0, addr: 0, offset: out.bytes.length, size: shstr.bytes.length, link: 0, info: 0, align: 1, entsize: 0 });
  out.put(shstr.bytes);
  out.pad((out.bytes.length + 3) & ~3);
  const shoff = out.bytes.length;
  for (const h of headers) writeSectionHeader(out, h);
  const head = new Out();
  writeElfHeader(head, image.entry, phnum, shoff, headers.length, headers.length - 1, input.rvc ?? false);
  for (const seg of image.segments) writeProgramHeader(head, seg, seg.bytes.length ? fileOffsetOf(seg.vaddr, sections, offsets) : emptySegmentOffset(seg.vaddr, out.bytes.length));
  const bytes = Uint8Array.from(out.bytes);
  bytes.set(head.bytes, 0);
  return bytes;
}

/**
 * A segment with no file bytes (only .bss) reads nothing, but readers check p_offset: give
 * it one congruent to its address modulo the page (as loaders like) that lies inside the file.
 */
function emptySegmentOffset(vaddr: number, fileLength: number): number {
  const congruent = vaddr % PAGE_SIZE;
  return congruent <= fileLength ? congruent : fileLength;
}

function fileOffsetOf(vaddr: number, sections: ElfSection[], offsets: Map<SectionName, number>): number {
  const s = sections.find((x) => x.addr === vaddr);
  return s ? offsets.get(s.name)! : 0;
}

function writeElfHeader(o: Out, entry: number, phnum: number, shoff: number, shnum: number, shstrndx: number, rvc: boolean): void {
  o.put([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0]);
  o.pad(16);
  o.u16(2); // ET_EXEC
  o.u16(EM_RISCV);
  o.u32(1);
  o.u32(entry);
  o.u32(52); // e_phoff
  o.u32(shoff);
  o.u32(rvc ? EF_RISCV_RVC : 0); // e_flags
  o.u16(52);
  o.u16(32);
  o.u16(phnum);
  o.u16(40);
  o.u16(shnum);
  o.u16(shstrndx);
}

function writeProgramHeader(o: Out, seg: ProgramImage['segments'][number], offset: number): void {
  o.u32(1); // PT_LOAD
  o.u32(offset);
  o.u32(seg.vaddr);
  o.u32(seg.vaddr);
  o.u32(seg.bytes.length);
  o.u32(seg.memSize);
  o.u32((seg.flags & 4 ? PF.R : 0) | (seg.flags & 2 ? PF.W : 0) | (seg.flags & 1 ? PF.X : 0));
  o.u32(PAGE_SIZE);
}

function writeSectionHeader(o: Out, h: Header): void {
  for (const v of [h.name, h.type, h.flags, h.addr, h.offset, h.size, h.link, h.info, h.align, h.entsize]) o.u32(v);
}

/** Locals first (section symbols, mapping symbols, local labels), then globals. */
function symbolTable(input: ElfInput, shndx: Map<SectionName, number>) {
  const str = new StringTable();
  const t = new Out();
  const sym = (name: number, value: number, size: number, bind: number, type: number, index: number) => {
    t.u32(name); t.u32(value); t.u32(size); t.u8((bind << 4) | type); t.u8(0); t.u16(index);
  };
  sym(0, 0, 0, 0, 0, 0);
  let count = 1;
  for (const s of input.sections) { sym(0, s.addr, 0, 0, STT.SECTION, shndx.get(s.name)!); count++; }
  for (const s of input.sections) {
    if (s.name !== '.text') continue;
    for (const m of mappingSymbols(s)) { sym(str.add(m.name), m.addr, 0, 0, STT.NOTYPE, shndx.get(s.name)!); count++; }
    // Where `.option rvc`/`norvc` changed the ISA: `$x<isa>`, as GNU as 2.40 writes it.
    for (const m of input.image.isaMarks ?? []) { sym(str.add(`$x${m.rvc ? ARCH_RVC : ARCH}`), m.addr, 0, 0, STT.NOTYPE, shndx.get(s.name)!); count++; }
  }
  const ordered = [...input.symbols.filter((s) => !s.global), ...input.symbols.filter((s) => s.global)];
  let firstGlobal = -1;
  for (const s of ordered) {
    if (s.global && firstGlobal < 0) firstGlobal = count;
    const type = s.type === 'function' ? STT.FUNC : s.type === 'object' ? STT.OBJECT : STT.NOTYPE;
    sym(str.add(s.name), s.value, s.size, s.global ? 1 : 0, type, s.section ? shndx.get(s.section) ?? SHN_ABS : SHN_ABS);
    count++;
  }
  return { table: t.bytes, strtab: str.bytes, firstGlobal: firstGlobal < 0 ? count : firstGlobal };
}

/** `$x` where code starts, `$d` where data starts (psABI "Mapping Symbol"). */
function mappingSymbols(s: ElfSection): { name: string; addr: number }[] {
  const out: { name: string; addr: number }[] = [];
  let pos = 0;
  for (const [a, b] of s.dataRanges) {
    if (a > pos || out.length === 0 && a > 0) out.push({ name: '$x', addr: s.addr + pos });
    out.push({ name: '$d', addr: s.addr + a });
    pos = b;
  }
  if (pos < s.bytes.length) out.push({ name: '$x', addr: s.addr + pos });
  return out;
}
