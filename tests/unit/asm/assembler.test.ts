import { describe, expect, it } from 'vitest';
import { assemble } from '../../../src/core/asm/assembler.ts';
import { readElf } from '../../../src/core/asm/elf-reader.ts';
import { ASM_DIAGNOSTICS } from '../../../src/core/asm/diagnostics-catalogue.ts';
import { SEG_R, SEG_W, SEG_X } from '../../../src/core/asm/image.ts';
import { formatDiagnostic } from '../../../src/core/diagnostic.ts';

const ok = (src: string, options: number | { rvc: boolean } = {} as { rvc: boolean }) => {
  const r = assemble(src, { file: 't.s', ...(typeof options === 'number' ? { textBase: options } : options) });
  expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
  return r;
};
const errors = (src: string) => assemble(src, { file: 't.s' }).diagnostics.map(formatDiagnostic);
const textWords = (src: string) => {
  const b = ok(src).image!.segments[0]!.bytes;
  return Array.from({ length: b.length / 4 }, (_, i) => (b[4 * i]! | (b[4 * i + 1]! << 8) | (b[4 * i + 2]! << 16) | (b[4 * i + 3]! << 24)) >>> 0);
};

describe('assembler', () => {
  it('accepts // comments and ; separators like # comments and newlines', () => {
    expect(textWords('addi a0, a0, 1 // one\naddi a1, a1, 2; nop # x')).toEqual(textWords('addi a0, a0, 1\naddi a1, a1, 2\nnop'));
  });

  it('places .text at the text base and the other sections page-aligned after it', () => {
    const r = ok('.text\n_start: nop\n.section .rodata\nr: .byte 1\n.data\nd: .word 2\n.bss\nb: .space 100', 0x10000);
    const img = r.image!;
    expect(img.entry).toBe(0x10000);
    expect(img.segments.map((s) => [s.vaddr, s.flags])).toEqual([[0x10000, SEG_R | SEG_X], [0x11000, SEG_R], [0x12000, SEG_R | SEG_W]]);
    const data = img.segments[2]!;
    expect(data.bytes.length).toBe(4);
    expect(img.symbols.get('b')! + 100).toBe(data.vaddr + data.memSize);
    expect(img.symbols.get('r')).toBe(0x11000);
  });

  it('enters at _start when it is defined, else at the start of .text', () => {
    expect(ok('nop\n_start: nop').image!.entry).toBe(0x80000004);
    expect(ok('nop\nnop').image!.entry).toBe(0x80000000);
  });

  it('maps every instruction address to its source line and column', () => {
    const img = ok('_start:\n  li a0, 0x12345678\n  nop\n').image!;
    expect(img.lines.map((l) => [l.addr, l.line, l.column])).toEqual([[0x80000000, 2, 3], [0x80000004, 2, 3], [0x80000008, 3, 3]]);
    expect(img.lines.every((l) => l.file === 't.s')).toBe(true);
  });

  it('keeps the value a .set symbol had when an instruction used it', () => {
    expect(textWords('.set N, 1\naddi a0, x0, N\n.set N, 2\naddi a0, x0, N')).toEqual([0x00100513, 0x00200513]);
  });

  it('reports every error with a catalogue code, not just the first', () => {
    const r = assemble('addd a0,a0,a0\naddi a0,a0,9999\nj nowhere\n', { file: 'x.s' });
    expect(r.diagnostics.map((d) => [d.line, d.code])).toEqual([[1, 'unknown-mnemonic'], [2, 'immediate-range'], [3, 'undefined-symbol']]);
    for (const d of r.diagnostics) {
      expect(Object.keys(ASM_DIAGNOSTICS)).toContain(d.code);
      expect(d.message).not.toMatch(/\{\w+\}/);
    }
    expect(r.image).toBeUndefined();
    expect(r.elf).toBeUndefined();
  });

  it('spans the offending operand', () => {
    const [d] = assemble('  addi a0, a0, 5000').diagnostics;
    expect([d!.column, d!.endColumn]).toEqual([16, 20]);
  });

  it('hints the nearest mnemonic, register and CSR', () => {
    expect(errors('addd a0, a1, a2')).toEqual(["t.s:1:1: error: unknown instruction 'addd' (did you mean 'add'?)"]);
    expect(errors('add a0, a1, x33')).toEqual(["t.s:1:13: error: 'x33' is not a register name (did you mean 'x3'?)"]);
    expect(errors('csrr a0, mepcc')).toEqual(["t.s:1:10: error: unknown CSR 'mepcc' (did you mean 'mepc'?)"]);
  });

  it('writes a warning, not an error, when data is truncated', () => {
    const r = assemble('.byte 300');
    expect(r.diagnostics.map((d) => d.severity)).toEqual(['warning']);
    expect(r.image!.segments[0]!.bytes[0]).toBe(300 & 0xff);
  });

  it('compresses only under .option rvc (or rvc: true), and .option push/pop restore it', () => {
    expect(ok('nop\nnop').image!.segments[0]!.bytes.length).toBe(8);
    expect(ok('.option push\n.option rvc\n.option pop\nnop').image!.segments[0]!.bytes.length).toBe(4);
    const r = ok('.option rvc\nnop\nli a0, 5\n.option norvc\nnop');
    expect([...r.image!.segments[0]!.bytes]).toEqual([0x01, 0x00, 0x15, 0x45, 0x13, 0, 0, 0]);
    expect([...ok('nop', { rvc: true }).image!.segments[0]!.bytes]).toEqual([0x01, 0x00]);
  });

  it("keeps `.size f, .-f` true when relaxation grows a branch inside f (GNU as gives 0x196)", () => {
    const r = ok('.option rvc\n.globl f\n.type f, @function\nf: beqz a0, 1f\n.space 400\n1: ret\n.size f, .-f\n');
    expect(readElf(r.elf!).symbolInfo!.get('f')!.size).toBe(0x196);
  });

  it('sets EF_RISCV_RVC and the c extension in the ELF only when RVC was used', () => {
    const flags = (elf: Uint8Array) => new DataView(elf.buffer, elf.byteOffset).getUint32(36, true);
    expect(flags(ok('nop').elf!)).toBe(0);
    expect(flags(ok('.option rvc\nnop').elf!)).toBe(1);
    expect(ok('.option rvc\nnop').image!.rvc).toBe(true);
  });

  it('takes c.* mnemonics only under RVC, and reports each broken operand constraint where it is', () => {
    expect(errors('c.addi a0, 1')).toEqual(["t.s:1:1: error: 'c.addi' is a compressed instruction (C extension): enable it with '.option rvc' or assemble with --march=rv32imac"]);
    const rvc = (line: string) => errors(`.option rvc\n${line}`);
    expect(rvc('c.lw a6, 0(a0)')).toEqual(["t.s:2:6: error: operand 1 of 'c.lw' must be one of s0, s1, a0-a5 (x8-x15), got 'a6'"]);
    expect(rvc('c.lwsp a0, 4(a1)')).toEqual(["t.s:2:12: error: operand 2 of 'c.lwsp' must be sp, got '4(a1)'"]);
    expect(rvc('c.lwsp a0, 6(sp)')).toEqual(["t.s:2:12: error: immediate 6 out of range for 'c.lwsp': expected a multiple of 4 in 0..252"]);
    expect(rvc('c.addi a0, 32')).toEqual(["t.s:2:12: error: immediate 32 out of range for 'c.addi': expected -32..31"]);
    expect(rvc('c.addi16sp sp, 0')).toEqual(["t.s:2:16: error: immediate 0 out of range for 'c.addi16sp': expected a multiple of 16 in -512..496, not 0"]);
    expect(rvc('c.lui a0, 32')).toEqual(["t.s:2:11: error: immediate 32 out of range for 'c.lui': expected 1..31 or 0xfffe0..0xfffff"]);
    expect(rvc('c.lui sp, 1')).toEqual(["t.s:2:7: error: operand 1 of 'c.lui' cannot be sp (that encoding is c.addi16sp)"]);
    expect(rvc('c.jr zero')).toEqual(["t.s:2:6: error: operand 1 of 'c.jr' cannot be zero (x0)"]);
    expect(rvc('c.addi a0, later\n.equ later, 1')).toEqual(["t.s:2:12: error: operand 2 of 'c.addi' must be a constant expression known when the line is read"]);
    expect(rvc('c.beqz a0, far\n.space 300\nfar: nop')).toEqual(["t.s:2:12: error: target of 'c.beqz' out of range: offset 302 is not in -256..254"]);
  });

  it('matches mnemonics and directives in any case, registers only in lower case', () => {
    expect(textWords('ADDI a0, a0, 1\n.WORD 7\nNop')).toEqual(textWords('addi a0, a0, 1\n.word 7\nnop'));
    expect(errors('addi A0, a0, 1')).toEqual(["t.s:1:6: error: 'A0' is not a register name (did you mean 'a0'?)"]);
    expect(ok('la a0, A0\nA0: ret').image!.symbols.get('A0')).toBe(0x80000008);
  });

  it('accepts CSRs by number and by every name in the table', () => {
    expect(textWords('csrr a0, 0x300\ncsrr a0, mstatus')).toEqual([0x30002573, 0x30002573]);
  });
});

describe('ELF output', () => {
  const u8 = (b: Uint8Array, o: number) => b[o]!;
  const u16 = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8);
  const u32 = (b: Uint8Array, o: number) => (u16(b, o) | (u16(b, o + 2) << 16)) >>> 0;
  const cstr = (b: Uint8Array, o: number) => { let s = ''; while (b[o]) s += String.fromCharCode(b[o++]!); return s; };

  function sections(elf: Uint8Array) {
    const shoff = u32(elf, 32), shnum = u16(elf, 48), shstrndx = u16(elf, 50);
    const sh = (i: number) => ({ name: u32(elf, shoff + 40 * i), type: u32(elf, shoff + 40 * i + 4), addr: u32(elf, shoff + 40 * i + 12), offset: u32(elf, shoff + 40 * i + 16), size: u32(elf, shoff + 40 * i + 20), link: u32(elf, shoff + 40 * i + 24), info: u32(elf, shoff + 40 * i + 28) });
    const strOff = sh(shstrndx).offset;
    return Array.from({ length: shnum }, (_, i) => ({ ...sh(i), nameText: cstr(elf, strOff + sh(i).name) }));
  }

  const src = '.globl _start\n_start: la a0, msg\nloop: j loop\n.section .rodata\nmsg: .string "hi"\n.data\nd: .word 1\n.bss\nb: .zero 8\n.equ K, 7\n';

  it('is an ELF32 little-endian RISC-V executable entering at _start, e_flags 0', () => {
    const { elf, image } = ok(src);
    expect([...elf!.subarray(0, 6)]).toEqual([0x7f, 0x45, 0x4c, 0x46, 1, 1]);
    expect([u16(elf!, 16), u16(elf!, 18), u32(elf!, 24), u32(elf!, 36)]).toEqual([2, 243, image!.entry, 0]);
  });

  it('has the standard sections, with .text holding the image bytes', () => {
    const { elf, image } = ok(src);
    const secs = sections(elf!);
    expect(secs.map((s) => s.nameText)).toEqual(['', '.text', '.rodata', '.data', '.bss', '.riscv.attributes', '.symtab', '.strtab', '.shstrtab']);
    const text = secs[1]!;
    expect([...elf!.subarray(text.offset, text.offset + text.size)]).toEqual([...image!.segments[0]!.bytes]);
    expect(secs[4]!.type).toBe(8); // SHT_NOBITS
  });

  it('has one PT_LOAD per segment with offsets congruent to addresses modulo the page', () => {
    const { elf, image } = ok(src);
    const phoff = u32(elf!, 28), phnum = u16(elf!, 44);
    expect(phnum).toBe(image!.segments.length);
    for (let i = 0; i < phnum; i++) {
      const p = phoff + 32 * i;
      const seg = image!.segments[i]!;
      expect([u32(elf!, p), u32(elf!, p + 8), u32(elf!, p + 16), u32(elf!, p + 20)]).toEqual([1, seg.vaddr, seg.bytes.length, seg.memSize]);
      expect(u32(elf!, p + 4) % 4096).toBe(seg.vaddr % 4096);
    }
  });

  it('lists local and global symbols, locals first, absolute ones in SHN_ABS', () => {
    const { elf } = ok(src);
    const secs = sections(elf!);
    const symtab = secs.find((s) => s.nameText === '.symtab')!;
    const strtab = secs[symtab.link]!;
    const syms = Array.from({ length: symtab.size / 16 }, (_, i) => {
      const o = symtab.offset + 16 * i;
      return { name: cstr(elf!, strtab.offset + u32(elf!, o)), value: u32(elf!, o + 4), bind: u8(elf!, o + 12) >> 4, shndx: u16(elf!, o + 14) };
    });
    const byName = new Map(syms.map((s) => [s.name, s]));
    expect(byName.get('_start')!.bind).toBe(1);
    expect(byName.get('loop')!.bind).toBe(0);
    expect(byName.get('K')).toMatchObject({ value: 7, shndx: 0xfff1 });
    expect(syms.slice(symtab.info).every((s) => s.bind === 1)).toBe(true);
    expect(syms.slice(0, symtab.info).every((s) => s.bind === 0)).toBe(true);
  });
});
