import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mulh, mulhsu, mulhu } from '../../../src/core/isa/multiply.ts';

const high = (p: bigint) => Number(BigInt.asIntN(32, p >> 32n));
const i32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });

describe('high halves of 32x32 products agree with BigInt', () => {
  it('mulh (signed x signed)', () => {
    fc.assert(fc.property(i32, i32, (a, b) => {
      expect(mulh(a, b)).toBe(high(BigInt(a) * BigInt(b)));
    }), { numRuns: 2000 });
  });
  it('mulhsu (signed x unsigned)', () => {
    fc.assert(fc.property(i32, i32, (a, b) => {
      expect(mulhsu(a, b)).toBe(high(BigInt(a) * BigInt(b >>> 0)));
    }), { numRuns: 2000 });
  });
  it('mulhu (unsigned x unsigned)', () => {
    fc.assert(fc.property(i32, i32, (a, b) => {
      expect(mulhu(a, b)).toBe(high(BigInt(a >>> 0) * BigInt(b >>> 0)));
    }), { numRuns: 2000 });
  });
  it('extremes', () => {
    expect(mulhu(-1, -1)).toBe(-2);
    expect(mulh(-0x80000000, -0x80000000)).toBe(0x40000000);
    expect(mulhsu(-1, -1)).toBe(-1);
  });
});
