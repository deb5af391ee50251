// The translator is exact: random instruction sequences give the interpreter's state, step
// for step (differential.ts); whole guests give the same results, exits and costs; and the
// cases where translated code must be dropped or bypassed are shown one by one.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withCpuKind, type CpuKind } from '../../../src/core/isa/cpu-kind.ts';
import { Machine } from '../../../src/core/machine/machine.ts';
import { runProgram } from '../../../src/core/runner.ts';
import { GUEST_IMAGES, buildGuestImage } from '../../../src/core/vmm/images/index.ts';
import { compareKinds, programArb } from './differential.ts';
import { addi, beq, jal, li, sw, B } from './encode.ts';

const bne = (rs1: number, rs2: number, imm: number) => B(imm, rs2, rs1, 1);
const BASE = 0x8000_0000;

function machine(kind: CpuKind, words: number[]): Machine {
  const m = withCpuKind(kind, () => new Machine({ ramSize: 0x10000 }));
  m.ram.write(BASE, new Uint8Array(Uint32Array.from(words).buffer));
  m.cpu.reset(BASE);
  return m;
}

describe('translator against the interpreter', () => {
  it('random RV32IMAC programs: same registers, CSRs, time, memory, output and stops', () => {
    fc.assert(fc.property(programArb, (p) => {
      const diff = compareKinds(p);
      if (diff !== null) throw new Error(diff);
    }), { numRuns: 120 });
  }, 120_000);

  it('every shipped guest kernel: the same result, exits by cause and cost breakdown', () => {
    for (const g of GUEST_IMAGES) {
      const run = (cpu: CpuKind) => runProgram({ image: buildGuestImage(g.name), mode: g.mode, cpu, maxInstructions: 3_000_000 });
      expect(run('jit'), g.name).toEqual(run('interp'));
    }
  }, 120_000);

  it('a hot loop that rewrites an instruction further on runs the new instruction at once', () => {
    // x1 counts 1000 rounds; in round 500 the loop stores `addi x3, x3, 2` over `addi x3, x3, 1`.
    const prog = [
      ...li(5, BASE + 4 * 12), ...li(6, addi(3, 3, 2)), addi(1, 0, 0), addi(7, 0, 500), // 0..5
      addi(1, 1, 1), bne(1, 7, 8), sw(6, 5, 0), addi(0, 0, 0), // 6..9
      addi(8, 0, 1000), addi(0, 0, 0), addi(3, 3, 1), bne(1, 8, -28), jal(0, 0), // 10..14
    ];
    prog.splice(12, 1, addi(3, 3, 1)); // the word at BASE + 48 is the one rewritten
    const ms = (['interp', 'jit'] as const).map((k) => machine(k, prog));
    for (const m of ms) m.run(20_000);
    expect(ms[1]!.cpu.x[3]).toBe(ms[0]!.cpu.x[3]);
    expect(ms[1]!.cpu.x[3]).toBeGreaterThan(1000);
    expect(ms[1]!.cpu.translatorStats!.translations).toBeGreaterThan(0);
  });

  it('new code written over translated code (a reload) is what runs next', () => {
    const m = machine('jit', [addi(1, 1, 1), jal(0, -4)]);
    m.run(10_000);
    expect(m.cpu.x[1]).toBe(5000);
    m.ram.write(BASE, new Uint8Array(Uint32Array.from([addi(2, 2, 1), jal(0, -4)]).buffer));
    m.cpu.reset(BASE);
    m.run(10_000);
    expect([m.cpu.x[1], m.cpu.x[2]]).toEqual([0, 5000]);
  });

  it('a snapshot restored over running translated code continues as the interpreter would', () => {
    const prog = [addi(1, 1, 1), sw(1, 0, 0x100), addi(2, 1, 3), beq(0, 0, -12)];
    const a = machine('jit', prog);
    a.run(777);
    const saved = a.getState();
    a.run(5000);
    a.setState(saved);
    a.run(4321);
    const b = machine('interp', prog);
    b.run(777 + 4321);
    expect(a.cpu.getState()).toEqual(b.cpu.getState());
  });

  it('stops at a breakpoint inside a compiled loop exactly where the interpreter stops', () => {
    const prog = [addi(1, 1, 1), addi(2, 2, 3), addi(3, 3, 5), jal(0, -12)];
    const ms = (['interp', 'jit'] as const).map((k) => machine(k, prog));
    for (const m of ms) {
      m.run(3001);
      m.breakpoints.add(BASE + 8);
      expect(m.run(100)).toEqual({ kind: 'breakpoint', pc: BASE + 8 });
    }
    expect(ms[1]!.cpu.getState()).toEqual(ms[0]!.cpu.getState());
  });

  it('a loop nested in a loop (one region, the inner loop its own JavaScript loop) matches at every budget', () => {
    const prog = [
      ...li(10, BASE + 0x400), addi(5, 0, 7),
      addi(1, 1, 1), addi(3, 0, 0), // the outer loop ...
      addi(3, 3, 1), beq(3, 5, 16), // ... around a two-block loop ...
      addi(4, 4, 2), sw(4, 10, 0), jal(0, -16), // ... that stores each round
      addi(7, 7, 1), jal(0, -32), // back to the outer loop
    ];
    for (const budget of [5, 13, 40, 41, 97, 500, 1001, 20_000]) {
      const ms = (['interp', 'jit'] as const).map((k) => machine(k, prog));
      for (const m of ms) { m.run(budget); m.run(333); }
      expect(ms[1]!.cpu.getState(), `budget ${budget}`).toEqual(ms[0]!.cpu.getState());
      expect(ms[1]!.ram.read(BASE + 0x400, 4), `budget ${budget}`).toEqual(ms[0]!.ram.read(BASE + 0x400, 4));
      if (budget === 20_000) expect(ms[1]!.cpu.translatorStats!.compiledSteps).toBeGreaterThan(15_000);
    }
  });

  it('run(budget) ends on the very step the interpreter ends on, for every budget', () => {
    const prog = [addi(1, 1, 1), addi(2, 2, 1), bne(1, 0, -8)];
    for (const budget of [1, 2, 3, 7, 64, 65, 1000, 4097]) {
      const ms = (['interp', 'jit'] as const).map((k) => machine(k, prog));
      for (const m of ms) { m.run(50); m.run(budget); }
      expect(ms[1]!.cpu.getState(), `budget ${budget}`).toEqual(ms[0]!.cpu.getState());
    }
  });
});
