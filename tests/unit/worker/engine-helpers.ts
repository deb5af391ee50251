// Helpers for driving the Engine in-process: hand-encoded programs (so these tests do not
// depend on the assembler) and deps that yield with setImmediate.
import type { ProgramImage } from '../../../src/core/asm/image.ts';
import { SEG_R, SEG_X } from '../../../src/core/asm/image.ts';
import type { EngineDeps } from '../../../src/worker/engine.ts';
import { MachineSession } from '../../../src/core/machine/machine-session.ts';

export const BASE = 0x80000000;

// RV32I encoders, enough for the test programs.
const r = (rd: number, rs1: number, imm: number, f3: number, op: number) =>
  (((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
export const addi = (rd: number, rs1: number, imm: number) => r(rd, rs1, imm, 0, 0x13);
export const lui = (rd: number, imm20: number) => (((imm20 & 0xfffff) << 12) | (rd << 7) | 0x37) >>> 0;
export const sb = (rs2: number, rs1: number, imm: number) =>
  ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (0 << 12) | ((imm & 0x1f) << 7) | 0x23) >>> 0;
export const sw = (rs2: number, rs1: number, imm: number) =>
  ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (2 << 12) | ((imm & 0x1f) << 7) | 0x23) >>> 0;
export function jal(rd: number, offset: number): number {
  const o = offset & 0x1fffff;
  const imm = (((o >> 20) & 1) << 31) | (((o >> 1) & 0x3ff) << 21) | (((o >> 11) & 1) << 20) | (((o >> 12) & 0xff) << 12);
  return (imm | (rd << 7) | 0x6f) >>> 0;
}
export const jalr = (rd: number, rs1: number, imm: number) => r(rd, rs1, imm, 0, 0x67);

/** A program image from words at BASE, with one source line per word in `file`. */
export function image(words: number[], file = 'test.s'): ProgramImage {
  const bytes = new Uint8Array(words.length * 4);
  const dv = new DataView(bytes.buffer);
  words.forEach((w, i) => dv.setUint32(i * 4, w, true));
  return {
    entry: BASE,
    segments: [{ vaddr: BASE, bytes, memSize: bytes.length, flags: SEG_R | SEG_X }],
    symbols: new Map(),
    lines: words.map((_, i) => ({ addr: BASE + 4 * i, file, line: i + 1, column: 1 })),
  };
}

/** Deps whose "assembler" returns a prepared image (the source text names it). */
export function fakeDeps(programs: Record<string, ProgramImage>): EngineDeps {
  return {
    assemble: (source, file) => {
      const img = programs[source];
      if (img) return { diagnostics: [], image: img };
      return { diagnostics: [{ file, line: 1, column: 1, endColumn: 2, severity: 'error', code: 'test', message: `unknown program ${source}` }] };
    },
    disassemble: (words) => words.map((w) => `.word 0x${w.toString(16)}`),
    modes: ['bare'],
    createSession: (img, _mode, output) => new MachineSession(img, { onConsole: output }),
    yieldToEvents: () => new Promise((resolve) => setImmediate(resolve)),
    now: () => performance.now(),
  };
}

/** t0 = UART; loop: sb a0 -> UART; j loop (prints 'A' forever). */
export function printForever(ch: number): number[] {
  return [lui(5, 0x10000), addi(10, 0, ch), sb(10, 5, 0), jal(0, -4)];
}

/** Prints `text` then powers off with code 0. */
export function printThenExit(text: string): number[] {
  const words = [lui(5, 0x10000)];
  for (const c of text) words.push(addi(10, 0, c.charCodeAt(0)), sb(10, 5, 0));
  words.push(lui(6, 0x100), lui(7, 0x5), addi(7, 7, 0x555), sw(7, 6, 0), jal(0, 0));
  return words;
}
