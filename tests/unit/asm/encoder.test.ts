import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encode } from '../../../src/core/asm/encoder.ts';
import { base } from '../../../src/core/asm/instruction-set.ts';
import { assemble } from '../../../src/core/asm/assembler.ts';

/** Field extraction written independently of the encoder, from the spec's format figures. */
const field = (w: number, hi: number, lo: number) => (w >>> lo) & ((1 << (hi - lo + 1)) - 1);
const sext = (v: number, bits: number) => (v << (32 - bits)) >> (32 - bits);
const immB = (w: number) => sext((field(w, 31, 31) << 12) | (field(w, 7, 7) << 11) | (field(w, 30, 25) << 5) | (field(w, 11, 8) << 1), 13);
const immJ = (w: number) => sext((field(w, 31, 31) << 20) | (field(w, 19, 12) << 12) | (field(w, 20, 20) << 11) | (field(w, 30, 21) << 1), 21);
const immS = (w: number) => sext((field(w, 31, 25) << 5) | field(w, 11, 7), 12);

function words(src: string): number[] {
  const r = assemble(src);
  expect(r.diagnostics).toEqual([]);
  const b = r.image!.segments[0]!.bytes;
  const out: number[] = [];
  for (let i = 0; i < b.length; i += 4) out.push((b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0);
  return out;
}

describe('encoder', () => {
  it('matches encodings printed in the RISC-V spec and binutils test suite', () => {
    // Words from the unprivileged spec's examples and GNU objdump of the same source.
    expect(words('addi a0, a0, 1')).toEqual([0x00150513]);
    expect(words('ecall\nebreak\nmret\nwfi')).toEqual([0x00000073, 0x00100073, 0x30200073, 0x10500073]);
    expect(words('add a0, a1, a2')).toEqual([0x00c58533]);
    expect(words('lui a0, 0x12345')).toEqual([0x12345537]);
  });

  it('places B-type immediates so that decoding gives them back', () => {
    fc.assert(fc.property(fc.integer({ min: -2048, max: 2047 }), fc.integer({ min: 0, max: 31 }), fc.integer({ min: 0, max: 31 }), (half, rs1, rs2) => {
      const w = encode(base('bne'), { rs1, rs2, imm: half * 2 });
      return immB(w) === half * 2 && field(w, 19, 15) === rs1 && field(w, 24, 20) === rs2 && field(w, 6, 0) === 0x63;
    }));
  });

  it('places J-type immediates so that decoding gives them back', () => {
    fc.assert(fc.property(fc.integer({ min: -(1 << 19), max: (1 << 19) - 1 }), fc.integer({ min: 0, max: 31 }), (half, rd) => {
      const w = encode(base('jal'), { rd, imm: half * 2 });
      return immJ(w) === half * 2 && field(w, 11, 7) === rd;
    }));
  });

  it('places S-type immediates so that decoding gives them back', () => {
    fc.assert(fc.property(fc.integer({ min: -2048, max: 2047 }), (imm) => immS(encode(base('sw'), { rs1: 2, rs2: 10, imm })) === imm));
  });

  it('sets the aq and rl bits of atomics', () => {
    const [plain, aq, rl, aqrl] = words('amoadd.w a0,a2,(a1)\namoadd.w.aq a0,a2,(a1)\namoadd.w.rl a0,a2,(a1)\namoadd.w.aqrl a0,a2,(a1)');
    expect([field(plain!, 26, 25), field(aq!, 26, 25), field(rl!, 26, 25), field(aqrl!, 26, 25)]).toEqual([0, 2, 1, 3]);
    expect(field(plain!, 31, 27)).toBe(0);
  });

  it('resolves branch offsets relative to the branch', () => {
    const [w0, , w2] = words('top: beq a0, a1, end\nnop\nend: bne a0, a1, top');
    expect(immB(w0!)).toBe(8);
    expect(immB(w2!)).toBe(-8);
  });
});
