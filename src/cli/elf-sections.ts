// The section headers of an ELF32 file, which `disasm` needs to list code the way objdump
// does (by section, not by loadable segment). readElf has already validated the header.

export interface ElfSection {
  name: string;
  type: number;
  flags: number;
  addr: number;
  offset: number;
  size: number;
}

export const SHT_PROGBITS = 1;
export const SHF_EXECINSTR = 0x4;

/** Every section with a readable header; [] when the table is missing or out of bounds. */
export function readSections(bytes: Uint8Array): ElfSection[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shoff = v.getUint32(32, true);
  const shentsize = v.getUint16(46, true);
  const shnum = v.getUint16(48, true);
  const shstrndx = v.getUint16(50, true);
  if (shoff === 0 || shentsize < 40 || shoff + shnum * shentsize > bytes.length) return [];
  const raw = Array.from({ length: shnum }, (_, i) => {
    const at = shoff + i * shentsize;
    return {
      nameOff: v.getUint32(at, true), type: v.getUint32(at + 4, true), flags: v.getUint32(at + 8, true),
      addr: v.getUint32(at + 12, true), offset: v.getUint32(at + 16, true), size: v.getUint32(at + 20, true),
    };
  });
  const strtab = raw[shstrndx];
  const nameAt = (off: number): string => {
    if (!strtab || strtab.offset + off >= bytes.length) return '';
    let end = strtab.offset + off;
    while (end < bytes.length && bytes[end] !== 0) end++;
    return String.fromCharCode(...bytes.subarray(strtab.offset + off, end));
  };
  return raw.map((s) => ({ name: nameAt(s.nameOff), type: s.type, flags: s.flags, addr: s.addr, offset: s.offset, size: s.size }));
}

/** RISC-V mapping symbols ($x code, $d data) in address order: objdump lists data as .word. */
export function readMappingSymbols(bytes: Uint8Array, sections: ElfSection[]): { addr: number; data: boolean }[] {
  const symtab = sections.find((s) => s.type === 2);
  if (!symtab) return [];
  const strtab = sections[linkOf(bytes, sections, symtab)];
  if (!strtab) return [];
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: { addr: number; data: boolean }[] = [];
  for (let at = symtab.offset; at + 16 <= symtab.offset + symtab.size && at + 16 <= bytes.length; at += 16) {
    const nameAt = strtab.offset + v.getUint32(at, true);
    if (bytes[nameAt] !== 0x24 /* $ */) continue;
    const kind = bytes[nameAt + 1];
    if (kind !== 0x64 /* d */ && kind !== 0x78 /* x */) continue;
    out.push({ addr: v.getUint32(at + 4, true), data: kind === 0x64 });
  }
  return out.sort((a, b) => a.addr - b.addr);
}

/** sh_link of a section (for .symtab: its string table's index). */
function linkOf(bytes: Uint8Array, sections: ElfSection[], section: ElfSection): number {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shoff = v.getUint32(32, true);
  const shentsize = v.getUint16(46, true);
  const index = sections.indexOf(section);
  return v.getUint32(shoff + index * shentsize + 24, true);
}
