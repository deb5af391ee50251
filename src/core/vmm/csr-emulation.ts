// Emulating a Zicsr instruction (unprivileged spec chapter 9) on the virtual CSR file.
// The access check is the bare hart's own (CsrFile.accessible) against the guest's
// *virtual* privilege, so a CSR the guest could not touch on hardware stays illegal.

import { csrName as csrNameOf } from '../asm/csr-names.ts';
import { CSR } from '../isa/csr.ts';
import type { VCpu } from './vcpu.ts';

export interface CsrEmulation {
  /** False: the guest's own privilege forbids it; reflect an illegal instruction. */
  ok: boolean;
  num: number;
  old: number;
  /** The value written, when the instruction writes. */
  written: number | null;
}

/** True for csrrw/csrrs/csrrc and their immediate forms. */
export function isCsrInstruction(insn: number): boolean {
  const f3 = (insn >> 12) & 7;
  return (insn & 0x7f) === 0x73 && f3 !== 0 && f3 !== 4;
}

export function emulateCsr(v: VCpu, insn: number): CsrEmulation {
  const f3 = (insn >> 12) & 7;
  const rd = (insn >> 7) & 31;
  const rs1 = (insn >> 15) & 31;
  const num = insn >>> 20;
  const op = f3 & 3;
  const src = f3 & 4 ? rs1 : v.cpu.x[rs1];
  // csrrs/csrrc with rs1 = x0 (or uimm 0) read without writing (9.1).
  const writes = op === 1 || rs1 !== 0;
  const s = v.vcsr;
  if (!s.accessible(num, v.vpriv, writes)) return { ok: false, num, old: 0, written: null };
  s.instret = v.cpu.csr.instret; // the guest's instructions are counted by the real hart
  const old = s.read(num) ?? 0;
  let written: number | null = null;
  if (writes) {
    written = op === 1 ? src : op === 2 ? old | src : old & ~src;
    s.write(num, written);
    if (num === CSR.minstret || num === CSR.minstreth) syncInstret(v);
  }
  if (rd !== 0) v.cpu.x[rd] = old;
  v.retire(v.cpu.pc + 4);
  return { ok: true, num, old: old >>> 0, written: written === null ? null : written >>> 0 };
}

/** minstret writes move the virtual offset; the real count stays the host's. */
function syncInstret(v: VCpu): void {
  v.vcsr.instret = v.cpu.csr.instret;
}

/** The CSR's name for exit records: the one the assembler and disassembler use. */
export function csrName(num: number): string {
  return csrNameOf(num) ?? `csr 0x${num.toString(16)}`;
}
