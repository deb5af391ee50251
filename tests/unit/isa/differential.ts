// Differential testing of the translator against the interpreter: random valid (and some
// invalid) RV32IMAC instruction sequences run on two bare machines, one per CPU kind — in
// M-mode, or in S-mode under Sv32 paging (the translator's paged fast path; on the
// WebAssembly back end with its paged regions turned on, Translator.pagedWasm) — and
// their whole state is compared after every run() of a random budget, for each of the
// translator's back ends. Shared by the property test (bounded) and `npm run fuzz:cpu`.
import fc from 'fast-check';
import type { CpuKind, JitBackend } from '../../../src/core/isa/cpu-kind.ts';
import { Machine } from '../../../src/core/machine/machine.ts';
import { B, I, J, R, S, U, addi, csrrc, csrrs, csrrw, jal, li, lw, sw, MRET } from './encode.ts';

export const RAM = 0x8000_0000;
export const CODE = RAM + 0x1000;
export const DATA = RAM + 0x8000;
const HANDLER = RAM + 0x800;
const RAM_SIZE = 0x10000;
// Paged programs: a two-level Sv32 table mapping the RAM's 16 pages at their own
// addresses, except the data page and the next one, swapped (so virtual != physical).
const ROOT_TABLE = RAM + 0x3000;
const LEAF_TABLE = RAM + 0x4000;
const PTE_V = 1;
const PTE_LEAF = 0xcf; // V R W X A D
const MPP = 0x1800;
const MPP_S = 0x800;

// Registers the prologue points somewhere useful (the program may overwrite them).
const R_DATA = 31;
const R_CODE = 30;
const R_CMP = 29; // CLINT mtimecmp
const R_UART = 28;
const R_MTIME = 25;

const reg = fc.integer({ min: 0, max: 31 });
const workReg = fc.integer({ min: 1, max: 24 });
const f3 = fc.integer({ min: 0, max: 7 });

const CSRS = [0x340, 0xb00, 0xb02, 0xc00, 0xc01, 0xc02, 0x300, 0x304, 0x344, 0x341, 0x342,
  0x343, 0x301, 0x305, 0x180, 0x100, 0x7c0, 0xb80, 0x3a0, 0x3b0];
const AMO_F5 = [0, 1, 2, 3, 4, 8, 12, 16, 20, 24, 28];

/** One 32-bit instruction (as two parcels) or one 16-bit one. */
const item: fc.Arbitrary<number[]> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom(0, 0, 0, 0x20, 1, 1), reg, reg, f3, workReg).map(([f7, rs2, rs1, fn, rd]) => R(f7, rs2, rs1, fn, rd, 0x33)) },
  { weight: 6, arbitrary: fc.tuple(fc.integer({ min: -2048, max: 2047 }), reg, f3, workReg, fc.boolean()).map(([imm, rs1, fn, rd, arith]) =>
    I(fn === 1 ? imm & 31 : fn === 5 ? (imm & 31) | (arith ? 0x400 : 0) : imm, rs1, fn, rd, 0x13)) },
  { weight: 1, arbitrary: fc.tuple(fc.integer(), workReg, fc.boolean()).map(([imm, rd, auipc]) => U(imm, rd, auipc ? 0x17 : 0x37)) },
  { weight: 4, arbitrary: fc.tuple(fc.integer({ min: -16, max: 120 }), fc.constantFrom(R_DATA, R_DATA, R_DATA, R_CODE, R_MTIME, R_UART, 5), fc.constantFrom(0, 1, 2, 4, 5, 2, 3), workReg)
    .map(([imm, rs1, fn, rd]) => I(imm, rs1, fn, rd, 0x03)) },
  { weight: 4, arbitrary: fc.tuple(fc.integer({ min: -16, max: 120 }), reg, fc.constantFrom(R_DATA, R_DATA, R_DATA, R_CODE, R_CMP, R_UART, 6), fc.constantFrom(0, 1, 2, 2, 3))
    .map(([imm, rs2, rs1, fn]) => S(imm, rs2, rs1, fn)) },
  { weight: 4, arbitrary: fc.tuple(fc.integer({ min: -40, max: 40 }), reg, reg, f3).map(([off, rs2, rs1, fn]) => B(off * 2, rs2, rs1, fn)) },
  { weight: 2, arbitrary: fc.tuple(fc.integer({ min: -40, max: 40 }), fc.constantFrom(0, 0, 1, 5)).map(([off, rd]) => J(off * 2, rd)) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0, max: 400 }), fc.constantFrom(0, 1)).map(([off, rd]) => I(off * 2, R_CODE, 0, rd, 0x67)) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...CSRS), fc.constantFrom(1, 2, 3, 5, 6, 7), fc.integer({ min: 0, max: 31 }), fc.constantFrom(0, 7, 8)).map(([csr, fn, rs1, rd]) => I(csr, rs1, fn, rd, 0x73)) },
  { weight: 1, arbitrary: fc.constantFrom(0x00000073, 0x00100073, 0x10500073, MRET, 0x10200073, 0x12000073, 0x0000000f, 0x0000100f) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...AMO_F5), workReg, fc.constantFrom(R_DATA, R_DATA, R_CODE, 7), workReg, fc.constantFrom(2, 2, 2, 3))
    .map(([f5, rs2, rs1, rd, fn]) => R((f5 << 2), f5 === 2 ? 0 : rs2, rs1, fn, rd, 0x2f)) },
  { weight: 1, arbitrary: fc.integer().map((w) => w >>> 0) },
).map((w) => (Array.isArray(w) ? w : [w & 0xffff, w >>> 16]));

/** A 16-bit parcel (any, so reserved encodings appear too). */
const compressed = fc.integer({ min: 0, max: 0xffff }).filter((p) => (p & 3) !== 3).map((p) => [p]);

export const programArb = fc.record({
  parcels: fc.array(fc.oneof({ weight: 4, arbitrary: item }, { weight: 1, arbitrary: compressed }), { minLength: 1, maxLength: 120 }).map((a) => a.flat()),
  regs: fc.array(fc.integer(), { minLength: 24, maxLength: 24 }),
  timer: fc.option(fc.integer({ min: 1, max: 3000 })),
  budgets: fc.array(fc.integer({ min: 1, max: 6000 }), { minLength: 1, maxLength: 4 }),
  /** Run in S-mode under Sv32 instead of in M-mode without translation. */
  paged: fc.boolean(),
  /** Where in the data page the data register points (near its end: accesses straddle pages). */
  dataAt: fc.constantFrom(0, 0, 0xf90),
});
export type Program = typeof programArb extends fc.Arbitrary<infer T> ? T : never;

/** Prologue (registers, mtvec, optional timer), handler, and the program ending in a jump back. */
export function image(p: Program): Map<number, number[]> {
  const words = new Map<number, number[]>();
  const pro: number[] = [];
  for (let r = 1; r <= 24; r++) pro.push(...li(r, p.regs[r - 1]!));
  pro.push(...li(R_DATA, DATA + p.dataAt), ...li(R_CODE, CODE), ...li(R_CMP, 0x0200_4000), ...li(R_UART, 0x1000_0000),
    ...li(R_MTIME, 0x0200_bff8), ...li(26, HANDLER), csrrw(0, 0x305, 26));
  if (p.timer !== null) {
    pro.push(...li(26, p.timer), sw(26, R_CMP, 0), sw(0, R_CMP, 4), ...li(26, 0x80), csrrs(0, 0x304, 26),
      ...li(26, 0x8), csrrs(0, 0x300, 26));
  }
  if (p.paged) {
    // satp on, MPP = S, mepc = CODE, mret: the program runs in S-mode; traps go to M-mode.
    pro.push(...li(26, (1 << 31) | (ROOT_TABLE >>> 12)), csrrw(0, 0x180, 26), ...li(26, MPP), csrrc(0, 0x300, 26),
      ...li(26, MPP_S), csrrs(0, 0x300, 26), ...li(26, CODE), csrrw(0, 0x341, 26), MRET);
    words.set(ROOT_TABLE + 4 * (RAM >>> 22), [((LEAF_TABLE >>> 12) << 10) | PTE_V]);
    const swap = (DATA - RAM) >>> 12;
    words.set(LEAF_TABLE, Array.from({ length: RAM_SIZE >>> 12 }, (_, i) => {
      const frame = i === swap ? swap + 1 : i === swap + 1 ? swap : i;
      return ((((RAM >>> 12) + frame) << 10) | PTE_LEAF) >>> 0;
    }));
  } else {
    pro.push(...li(26, CODE), I(0, 26, 0, 0, 0x67));
  }
  words.set(RAM, pro);
  // Exceptions skip 4 bytes; timer interrupts move mtimecmp 40 ticks on.
  words.set(HANDLER, [
    csrrs(27, 0x342, 0), B(20, 0, 27, 4), csrrs(27, 0x341, 0), addi(27, 27, 4), csrrw(0, 0x341, 27), MRET,
    lw(27, R_MTIME, 0), addi(27, 27, 40), sw(27, R_CMP, 0), sw(0, R_CMP, 4), MRET,
  ]);
  return words;
}

function load(m: Machine, p: Program): void {
  for (const [addr, ws] of image(p)) m.ram.write(addr, new Uint8Array(Uint32Array.from(ws).buffer));
  const parcels = [...p.parcels];
  if (parcels.length % 2 === 1) parcels.push(0x0001); // c.nop
  const end = CODE + parcels.length * 2;
  const back = jal(0, CODE - end);
  parcels.push(back & 0xffff, back >>> 16);
  m.ram.write(CODE, new Uint8Array(Uint16Array.from(parcels).buffer));
  m.cpu.reset(RAM);
}

export function machineFor(kind: CpuKind, p: Program, backend: JitBackend = 'wasm'): { m: Machine; out: number[] } {
  const out: number[] = [];
  const m = new Machine({ ramSize: RAM_SIZE, console: { write: (b) => out.push(...b) } });
  m.cpu.kind = kind;
  m.cpu.backend = backend;
  const translator = m.cpu.translatorForBench;
  if (translator !== null && backend === 'wasm') translator.pagedWasm = true;
  load(m, p);
  return { m, out };
}

/** Everything observable about a machine after a run. */
export function observe(m: Machine, out: number[], stop: unknown): unknown {
  return {
    stop, steps: m.cpu.stepsRun, cpu: m.cpu.getState(), out: [...out],
    ram: Buffer.from(m.ram.bytes).toString('base64'), dirty: m.ram.dirtyPages(),
  };
}

/** Runs the program on the interpreter and the translator (with `backend`); the first difference as text, or null. */
export function compareKinds(p: Program, backend: JitBackend = 'wasm', seen?: (jit: Machine) => void): string | null {
  const a = machineFor('interp', p);
  const b = machineFor('jit', p, backend);
  for (const [i, budget] of p.budgets.entries()) {
    const sa = observe(a.m, a.out, a.m.run(budget));
    const sb = observe(b.m, b.out, b.m.run(budget));
    const ja = JSON.stringify(sa);
    const jb = JSON.stringify(sb);
    if (ja !== jb) return `run ${i} (budget ${budget}) differs:\ninterp ${shorten(sa)}\njit/${backend} ${shorten(sb)}`;
  }
  // Every module we generate must validate: a refused one would silently become JavaScript.
  seen?.(b.m);
  const refused = b.m.cpu.translatorStats?.wasmRefused ?? 0;
  if (refused !== 0) return `${refused} generated WebAssembly modules were refused`;
  return null;
}

function shorten(o: unknown): string {
  const { ram: _ram, ...rest } = o as { ram: string };
  return JSON.stringify(rest);
}
