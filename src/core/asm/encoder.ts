// Phase 4 — encoding: pack resolved operand values into 32-bit instruction words by
// format (RISC-V unprivileged spec 2.2–2.3, "Base Instruction Formats" and "Immediate
// Encoding Variants"). Values arrive range-checked; this file only places bits.

import type { CompressedInstruction } from './compressed-instructions.ts';
import type { BaseInstruction } from './instruction-set.ts';

export interface Fields {
  rd?: number;
  rs1?: number;
  rs2?: number;
  /** Immediate, shift amount, pc-relative offset, fence bits or CSR number (by format). */
  imm?: number;
  /** CSR number for CSR/CSRI formats. */
  csr?: number;
}

const bits = (v: number, hi: number, lo: number) => (v >>> lo) & ((1 << (hi - lo + 1)) - 1);

/** The instruction word: 32 bits, or 16 for a compressed instruction (in the low half). */
export function encode(ins: BaseInstruction | CompressedInstruction, f: Fields): number {
  if (ins.size === 2) return ins.encode(f);
  const rd = (f.rd ?? 0) << 7;
  const rs1 = (f.rs1 ?? 0) << 15;
  const rs2 = (f.rs2 ?? 0) << 20;
  const imm = f.imm ?? 0;
  let w: number;
  switch (ins.format) {
    case 'R':
    case 'AMO':
    case 'SFENCE':
    case 'HSV':
      w = rd | rs1 | rs2;
      break;
    case 'LR':
      w = rd | rs1;
      break;
    case 'I':
    case 'LOAD':
      w = rd | rs1 | (bits(imm, 11, 0) << 20);
      break;
    case 'SHIFT':
      w = rd | rs1 | (bits(imm, 4, 0) << 20);
      break;
    case 'S':
      w = rs1 | rs2 | (bits(imm, 11, 5) << 25) | (bits(imm, 4, 0) << 7);
      break;
    case 'B':
      w = rs1 | rs2 | (bits(imm, 12, 12) << 31) | (bits(imm, 10, 5) << 25) | (bits(imm, 4, 1) << 8) | (bits(imm, 11, 11) << 7);
      break;
    case 'U':
      w = rd | (bits(imm, 19, 0) << 12);
      break;
    case 'J':
      w = rd | (bits(imm, 20, 20) << 31) | (bits(imm, 10, 1) << 21) | (bits(imm, 11, 11) << 20) | (bits(imm, 19, 12) << 12);
      break;
    case 'CSR':
      w = rd | rs1 | (bits(f.csr ?? 0, 11, 0) << 20);
      break;
    case 'CSRI':
      w = rd | (bits(imm, 4, 0) << 15) | (bits(f.csr ?? 0, 11, 0) << 20);
      break;
    case 'FENCE':
      w = bits(imm, 7, 0) << 20;
      break;
    case 'FIXED':
      w = 0;
      break;
  }
  return (ins.match | w) >>> 0;
}
