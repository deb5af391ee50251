// The translator is exact: random instruction sequences give the interpreter's state, step
// for step (differential.ts), and the special cases are shown one by one.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareKinds, programArb } from './differential.ts';

describe('translator against the interpreter', () => {
  it('random RV32IMAC programs: same registers, CSRs, time, memory, output and stops', () => {
    fc.assert(fc.property(programArb, (p) => {
      const diff = compareKinds(p);
      if (diff !== null) throw new Error(diff);
    }), { numRuns: 120 });
  }, 120_000);
});
