// assemble -> writeElf -> readElf gives back the same loadable image, whatever sections a
// program has (a .bss-only segment has no file bytes: its p_offset must still be readable),
// and gcc's own output (gp-relative small data through the linker's __global_pointer$)
// assembles and runs as the GNU-built ELF does.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../../src/core/asm/assembler.ts';
import { DisassemblyState, decodeText } from '../../../src/core/asm/disassembler.ts';
import { ElfError, readElf } from '../../../src/core/asm/elf-reader.ts';
import type { ProgramImage } from '../../../src/core/asm/image.ts';
import { runProgram } from '../../../src/core/runner.ts';

const TEXT = '.text\n.globl _start\n_start:\n  la a0, here\n  li a7, 93\n  ecall\nhere: nop\n';
const PROGRAMS: Record<string, string> = {
  'text only': TEXT,
  'bss only': `${TEXT}.bss\n.align 4\nbuf: .skip 8000\nend: .skip 4\n`,
  'data only': `${TEXT}.data\nvalue: .word 1, 2, 3\n.byte 9\n`,
  'rodata and bss': `${TEXT}.section .rodata\nmsg: .asciz "hi"\n.bss\nbuf: .skip 100\n`,
  'all sections': `${TEXT}.section .rodata\nmsg: .asciz "hello"\n.data\nv: .word 7\n.bss\nb: .skip 5000\n`,
};

function build(source: string, textBase: number): { image: ProgramImage; elf: Uint8Array } {
  const r = assemble(source, { textBase });
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return { image: r.image!, elf: r.elf! };
}

/** p_offset and p_filesz of each PT_LOAD program header. */
function programHeaders(elf: Uint8Array): { offset: number; fileSize: number; vaddr: number }[] {
  const dv = new DataView(elf.buffer, elf.byteOffset, elf.byteLength);
  const phoff = dv.getUint32(28, true);
  const out = [];
  for (let i = 0; i < dv.getUint16(44, true); i++) {
    const at = phoff + 32 * i;
    if (dv.getUint32(at, true) === 1) out.push({ offset: dv.getUint32(at + 4, true), vaddr: dv.getUint32(at + 8, true), fileSize: dv.getUint32(at + 16, true) });
  }
  return out;
}

describe('ELF round trip', () => {
  for (const textBase of [0x10000, 0x80000000]) {
    it.each(Object.keys(PROGRAMS))(`%s at 0x${textBase.toString(16)}`, (name) => {
      const { image, elf } = build(PROGRAMS[name]!, textBase);
      const back = readElf(elf);
      expect(back.entry).toBe(image.entry);
      expect(back.segments.map((s) => ({ ...s, bytes: [...s.bytes] }))).toEqual(image.segments.map((s) => ({ ...s, bytes: [...s.bytes] })));
      for (const [sym, addr] of image.symbols) expect(back.symbols.get(sym), sym).toBe(addr);
      for (const ph of programHeaders(elf)) {
        // Every offset is inside the file and congruent to the address modulo the page.
        expect(ph.offset + ph.fileSize).toBeLessThanOrEqual(elf.length);
        expect(ph.offset % 4096).toBe(ph.vaddr % 4096);
      }
    });
  }

  it('has a segment with no file bytes for a .bss-only data area', () => {
    const { image, elf } = build(PROGRAMS['bss only']!, 0x10000);
    const bssOnly = image.segments.filter((s) => s.bytes.length === 0);
    expect(bssOnly).toHaveLength(1);
    expect(bssOnly[0]!.memSize).toBeGreaterThanOrEqual(8004);
    expect(programHeaders(elf).some((p) => p.fileSize === 0)).toBe(true);
  });

  it('accepts p_filesz 0 with an offset past the end of the file, as GNU readelf does', () => {
    const { elf } = build(PROGRAMS['bss only']!, 0x10000);
    const dv = new DataView(elf.buffer, elf.byteOffset, elf.byteLength);
    const phoff = dv.getUint32(28, true);
    const i = programHeaders(elf).findIndex((p) => p.fileSize === 0);
    dv.setUint32(phoff + 32 * i + 4, elf.length + 0x3000, true);
    const seg = readElf(elf).segments.find((s) => s.bytes.length === 0);
    expect(seg?.memSize).toBeGreaterThan(0);
  });

  it('still refuses a segment whose file bytes run past the end', () => {
    const { elf } = build(PROGRAMS['data only']!, 0x10000);
    expect(() => readElf(elf.subarray(0, 0x1004))).toThrow(ElfError);
  });
});

describe('__global_pointer$ (defined as GNU ld does)', () => {
  const dir = join(import.meta.dirname, '../../fixtures/linux/c-sort');
  const source = readFileSync(join(dir, 'gcc-output.s'), 'utf8');

  it('lets gcc -O2 output assemble and run exactly as the GNU-built ELF does', () => {
    const { image } = build(source, 0x10000);
    const args = readFileSync(join(dir, 'args'), 'utf8').trim().split(/\s+/);
    const run = (img: ProgramImage) => runProgram({ image: img, mode: 'linux', argv: ['prog.elf', ...args], envp: [] });
    const ours = run(image);
    const gnu = run(readElf(new Uint8Array(readFileSync(join(dir, 'prog.elf')))));
    expect(ours.console).toBe(readFileSync(join(dir, 'expected.stdout'), 'latin1'));
    expect(ours.exitCode).toBe(Number(readFileSync(join(dir, 'expected.exit'), 'utf8')));
    expect(ours.console).toBe(gnu.console);
    expect(ours.exitCode).toBe(gnu.exitCode);
  });

  it('is the small data start + 0x800, and in the symbol table', () => {
    const { image, elf } = build('.text\n_start: la gp, __global_pointer$\n  lw a0, %lo(x)(gp)\n.section .sdata\nx: .word 5\n', 0x10000);
    const data = image.segments.find((s) => s.flags & 2)!;
    expect(image.symbols.get('__global_pointer$')).toBe(data.vaddr + 0x800);
    expect(readElf(elf).symbols.get('__global_pointer$')).toBe(data.vaddr + 0x800);
  });

  it('is provided only to programs that use it, like a linker script PROVIDE', () => {
    expect(build(TEXT, 0x10000).image.symbols.has('__global_pointer$')).toBe(false);
  });

  it('gives way to a program that defines it', () => {
    const { image } = build('.text\n_start: nop\n.globl __global_pointer$\n.set __global_pointer$, 0x1234\n', 0x10000);
    expect(image.symbols.get('__global_pointer$')).toBe(0x1234);
  });

  it('lets the disassembler name gp-relative addresses, as objdump does', () => {
    const symbols = new Map([['__global_pointer$', 0x11b70], ['data', 0x11374]]);
    const d = decodeText(0x80418613, 0x100a0, symbols, new DisassemblyState()); // addi a2,gp,-2044
    expect(d.comment).toBe('11374 <data>');
  });
});
