// The translator is exact: random instruction sequences give the interpreter's state, step
// for step (differential.ts); whole guests give the same results, exits and costs; and the
// cases where translated code must be dropped or bypassed are shown one by one.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  JIT_BACKENDS, defaultJitBackend, setDefaultJitBackend, withCpuKind, type CpuKind, type JitBackend,
} from '../../../src/core/isa/cpu-kind.ts';
import { readElf } from '../../../src/core/asm/elf-reader.ts';
import { Machine } from '../../../src/core/machine/machine.ts';
import { runProgram } from '../../../src/core/runner.ts';
import { GUEST_IMAGES, buildGuestImage } from '../../../src/core/vmm/images/index.ts';
import { compareKinds, programArb, type Program } from './differential.ts';
import { addi, beq, jal, li, lw, sb, sw, B, I, R, S } from './encode.ts';

const bne = (rs1: number, rs2: number, imm: number) => B(imm, rs2, rs1, 1);
const BASE = 0x8000_0000;

function machine(kind: CpuKind, words: number[], backend?: JitBackend): Machine {
  const m = withCpuKind(kind, () => new Machine({ ramSize: 0x10000 }));
  if (backend !== undefined) m.cpu.backend = backend;
  m.ram.write(BASE, new Uint8Array(Uint32Array.from(words).buffer));
  m.cpu.reset(BASE);
  return m;
}

describe.each(JIT_BACKENDS)('translator (%s back end) against the interpreter', (backend) => {
  const previous = defaultJitBackend();
  beforeAll(() => setDefaultJitBackend(backend));
  afterAll(() => setDefaultJitBackend(previous));

  it('random RV32IMAC programs: same registers, CSRs, time, memory, output and stops', () => {
    let pagedWasm = 0;
    fc.assert(fc.property(programArb, (p) => {
      const diff = compareKinds(p, backend, (jit) => { pagedWasm += jit.cpu.translatorStats!.wasmPagedTranslations; });
      if (diff !== null) throw new Error(diff);
    }), { numRuns: 120, seed: 1 });
    // S-mode programs under Sv32 ran compiled on the paged fast path (not all interpreted).
    if (backend === 'wasm') expect(pagedWasm).toBeGreaterThan(0);
    else expect(pagedWasm).toBe(0);
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

  it('data stored into a code page by interpreted code leaves the page\'s compiled regions in place', () => {
    // Each round an atomic add (always interpreted) stores into the loop's own page.
    const prog = [...li(5, BASE + 0x800), addi(1, 1, 1), R(0, 1, 5, 2, 0, 0x2f), addi(2, 2, 3), bne(1, 0, -12)];
    const ms = (['interp', 'jit'] as const).map((k) => machine(k, prog));
    for (const m of ms) m.run(30_000);
    expect(ms[1]!.cpu.getState()).toEqual(ms[0]!.cpu.getState());
    expect(ms[1]!.ram.read(BASE + 0x800, 4)).toEqual(ms[0]!.ram.read(BASE + 0x800, 4));
    const st = ms[1]!.cpu.translatorStats!;
    expect(st.compiledSteps).toBeGreaterThan(10_000);
    expect(st.translations).toBeLessThan(5); // not recompiled after every store
    expect(st.invalidations).toBe(0);
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

/** Runs `prog` on the interpreter and on the translator with `backend`; both machines after `steps`. */
function both(prog: number[], steps: number, backend: JitBackend): [Machine, Machine] {
  const ms: [Machine, Machine] = [machine('interp', prog), machine('jit', prog, backend)];
  for (const m of ms) m.run(steps);
  return ms;
}

describe('the WebAssembly back end', () => {
  const loop = [addi(1, 1, 1), addi(2, 2, 3), bne(1, 0, -8)];

  it('compiles S-mode code under Sv32 (the paged fast path, with pagedWasm on), with the interpreter\'s results', () => {
    // x31 points 0x70 before the end of the data page, which is mapped to another frame:
    // word, half and byte accesses, one straddling into the next page (it bails).
    const words = [
      lw(1, 31, 0), addi(1, 1, 1), sw(1, 31, 0), sb(1, 31, 0x6f), I(0x6e, 31, 5, 2, 0x03),
      I(0x6e, 31, 1, 3, 0x03), S(0x6e, 1, 31, 1), lw(4, 31, 0x6e), sw(1, 31, 0x70), I(0x68, 31, 2, 5, 0x03),
    ];
    const p: Program = {
      parcels: words.flatMap((w) => [w & 0xffff, w >>> 16]), regs: new Array<number>(24).fill(0), timer: 700,
      budgets: [5_000, 20_000, 777], paged: true, dataAt: 0xf90,
    };
    expect(compareKinds(p, 'wasm')).toBeNull();
    let stats = null as Machine['cpu']['translatorStats'];
    expect(compareKinds(p, 'wasm', (jit) => { stats = jit.cpu.translatorStats; })).toBeNull();
    expect(stats!.wasmPagedTranslations).toBeGreaterThan(0);
    expect(stats!.compiledSteps).toBeGreaterThan(stats!.interpretedSteps);
    expect(compareKinds(p, 'js')).toBeNull();
  });

  it('the Sv32 kernels of the bare corpus with paged WebAssembly regions: QEMU\'s output, the interpreter\'s state', () => {
    for (const name of ['sv32-tasks', 's-mode-sv32']) {
      const dir = join(__dirname, '../../fixtures/bare', name);
      const run = (kind: CpuKind) => {
        const out: number[] = [];
        const m = withCpuKind(kind, () => new Machine({ console: { write: (b) => out.push(...b) } }));
        const t = m.cpu.translatorForBench;
        if (t !== null) t.pagedWasm = true;
        m.load(readElf(new Uint8Array(readFileSync(join(dir, 'prog.elf')))));
        const stop = m.run(50_000_000);
        return { m, stop, out: Buffer.from(out).toString('latin1') };
      };
      const [interp, jit] = [run('interp'), run('jit')];
      expect(jit.out, name).toBe(readFileSync(join(dir, 'expected.stdout'), 'latin1'));
      expect(jit.stop).toEqual(interp.stop);
      expect(jit.m.cpu.getState()).toEqual(interp.m.cpu.getState());
      expect(jit.m.ram.dirtyPages()).toEqual(interp.m.ram.dirtyPages());
      const st = jit.m.cpu.translatorStats!;
      expect(st.wasmPagedTranslations, name).toBeGreaterThan(0);
      expect(st.wasmRefused).toBe(0);
    }
  });

  it('S-mode code under Sv32 that rewrites its own next instructions: each version runs when the interpreter runs it', () => {
    // x8 flips the word at CODE + 16 between `addi x3, x3, 1` and `addi x4, x4, 1` each round.
    const words = [addi(1, 1, 1), R(0, 9, 8, 4, 8, 0x33), sw(8, 30, 16), addi(2, 2, 1), addi(3, 3, 1)];
    const regs = new Array<number>(24).fill(0);
    regs[7] = addi(3, 3, 1);
    regs[8] = addi(3, 3, 1) ^ addi(4, 4, 1);
    const p: Program = {
      parcels: words.flatMap((w) => [w & 0xffff, w >>> 16]), regs, timer: null, budgets: [3_000, 10_000], paged: true, dataAt: 0,
    };
    for (const backend of JIT_BACKENDS) expect(compareKinds(p, backend)).toBeNull();
  });

  it('compiles RAM regions to WebAssembly modules (the JavaScript back end to functions)', () => {
    const [, wasm] = both(loop, 10_000, 'wasm');
    const [, js] = both(loop, 10_000, 'js');
    expect(wasm.cpu.translatorStats!.wasmTranslations).toBeGreaterThan(0);
    expect(wasm.cpu.translatorStats!.wasmRefused).toBe(0);
    expect(wasm.cpu.translatorStats!.sourceChars).toBe(0);
    expect(js.cpu.translatorStats!.wasmTranslations).toBe(0);
    expect(wasm.cpu.getState()).toEqual(js.cpu.getState());
  });

  it('division by zero, INT_MIN / -1 and the high multiplies give the interpreter\'s results, without a WebAssembly trap', () => {
    // x5..x9 = INT_MIN, -1, 0, 7, -3; every M operation over every pair is stored at x20.
    const values = [0x8000_0000 | 0, -1, 0, 7, -3];
    const prog: number[] = [...li(20, BASE + 0x2000)];
    values.forEach((v, i) => prog.push(...li(5 + i, v)));
    const body: number[] = [];
    let off = 0;
    for (let f3 = 0; f3 < 8; f3++) {
      for (let a = 5; a <= 9; a++) {
        for (const b of [5, 6, 7, 9, 0]) {
          body.push(R(1, b, a, f3, 10, 0x33), sw(10, 20, off));
          off = (off + 4) % 2048;
        }
      }
    }
    // 400 instructions of body, looped: x21 counts rounds.
    prog.push(...body, addi(21, 21, 1), jal(0, -4 * (body.length + 1)));
    const [interp, jit] = both(prog, 20_000, 'wasm');
    expect(jit.cpu.translatorStats!.wasmTranslations).toBeGreaterThan(0);
    expect(jit.cpu.getState()).toEqual(interp.cpu.getState());
    expect(jit.ram.read(BASE + 0x2000, 2048)).toEqual(interp.ram.read(BASE + 0x2000, 2048));
    expect(jit.ram.load(BASE + 0x2000 + 4 * 15, 4) | 0).toBe(0x8000_0000 | 0); // div INT_MIN / -1
  });

  it('misaligned loads and stores, one straddling two pages, as the interpreter performs them', () => {
    const prog = [
      ...li(5, BASE + 0x2ffd), ...li(6, 0x1234_5678),
      addi(6, 6, 77), sw(6, 5, 0), S(2, 6, 5, 1), lw(7, 5, 0), I(1, 5, 1, 8, 0x03), I(2, 5, 5, 9, 0x03),
      addi(1, 1, 1), bne(1, 0, -28),
    ];
    const [interp, jit] = both(prog, 5_000, 'wasm');
    expect(jit.cpu.translatorStats!.wasmTranslations).toBeGreaterThan(0);
    expect(jit.cpu.getState()).toEqual(interp.cpu.getState());
    expect(jit.ram.read(BASE + 0x2ff0, 32)).toEqual(interp.ram.read(BASE + 0x2ff0, 32));
    expect(jit.ram.dirtyPages()).toEqual(interp.ram.dirtyPages());
  });

  it('a word stored to the watched word (HTIF tohost) reaches the callback from the interpreter, each time', () => {
    const prog = [...li(5, BASE + 0x3000), addi(1, 1, 1), sw(1, 5, 0), sw(1, 5, 4), bne(1, 0, -12)];
    const seen: number[][] = [[], []];
    const ms = [machine('interp', prog), machine('jit', prog, 'wasm')];
    ms.forEach((m, i) => {
      m.cpu.storeWatch = BASE + 0x3000;
      m.cpu.onWatchedStore = (_a, v) => seen[i]!.push(v);
      m.run(4_000);
    });
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[0]!.length).toBeGreaterThan(900);
    expect(ms[1]!.cpu.getState()).toEqual(ms[0]!.cpu.getState());
  });

  it('a module the engine refuses (a browser main thread: over 4 KB) becomes JavaScript instead, with the same results', () => {
    const wa = (globalThis as { WebAssembly: { Module: new (b: Uint8Array) => object } }).WebAssembly;
    const Module = wa.Module;
    // As Chromium does on the main thread: synchronous compiles of more than 4 KB throw RangeError.
    wa.Module = class extends Module {
      constructor(bytes: Uint8Array) {
        if (bytes.length > 4096) throw new RangeError('WebAssembly.Module(): Buffer size is too large');
        super(bytes);
      }
    };
    try {
      const body = Array.from({ length: 900 }, (_, i) => addi(1 + (i % 20), 1 + ((i + 3) % 20), i));
      const prog = [...body, addi(21, 21, 1), jal(0, -4 * (body.length + 1))];
      const [interp, jit] = both(prog, 20_000, 'wasm');
      const st = jit.cpu.translatorStats!;
      expect(st.wasmRefused).toBeGreaterThan(0);
      expect(st.sourceChars).toBeGreaterThan(0); // compiled to JavaScript instead
      expect(jit.cpu.getState()).toEqual(interp.cpu.getState());
    } finally {
      wa.Module = Module;
    }
  });
});

