import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ElfError, readElf } from '../../../src/core/asm/elf-reader.ts';

const elf = new Uint8Array(readFileSync(join(__dirname, '../../fixtures/bare/hello/prog.elf')));

describe('readElf', () => {
  it('reads entry, PT_LOAD segments and symbols of a GNU ld executable', () => {
    const image = readElf(elf);
    expect(image.entry).toBe(0x80000000);
    expect(image.symbols.get('_start')).toBe(0x80000000);
    expect(image.symbols.get('main')).toBeGreaterThan(0x80000000);
    expect(image.segments[0].vaddr).toBe(0x80000000);
    // The first instruction is crt.S's `auipc sp, ...` (la sp, _stack_top).
    expect(image.segments[0].bytes[0] & 0x7f).toBe(0x17);
  });

  const cases: Array<[string, Uint8Array, RegExp]> = [
    ['not ELF', new TextEncoder().encode('#!/bin/sh\necho hi\n'), /not an ELF file/],
    ['empty', new Uint8Array(0), /not an ELF file/],
    ['truncated', elf.slice(0, 40), /truncated ELF file/],
    ['truncated segment', elf.slice(0, 200), /truncated ELF file/],
    ['64-bit', patch(elf, 4, 2), /64-bit ELF file/],
    ['big-endian', patch(elf, 5, 2), /big-endian/],
    ['x86', patch(elf, 18, 62), /not a RISC-V ELF file/],
  ];
  for (const [name, bytes, message] of cases) {
    it(`rejects ${name} with an ElfError`, () => {
      expect(() => readElf(bytes)).toThrow(ElfError);
      expect(() => readElf(bytes)).toThrow(message);
    });
  }

  it('never throws anything but ElfError on corrupted files', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: elf.length - 1 }), fc.integer({ min: 0, max: 255 }), fc.nat(elf.length), (at, byte, cut) => {
      const bytes = patch(elf, at, byte).slice(0, cut);
      try {
        readElf(bytes);
      } catch (e) {
        expect(e).toBeInstanceOf(ElfError);
      }
    }), { numRuns: 2000 });
  });
});

function patch(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const copy = bytes.slice();
  copy[at] = value;
  return copy;
}
