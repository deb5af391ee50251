// Control and status registers of an M+U hart (RISC-V privileged spec, chapter 2 and 3.1).
//
// Access rules (2.1): CSR number bits 9..8 give the lowest privilege that may access it,
// bits 11..10 == 0b11 mark it read-only. U-mode may read only the counters, and only
// those enabled in mcounteren (3.1.11); any other CSR access from U-mode is an illegal
// instruction, which is what a trap-and-emulate hypervisor builds on.
// medeleg/mideleg read as zero: without S-mode there is nothing to delegate to.
// PMP registers hold what is written (programs for QEMU set them up before entering
// U-mode) but are not enforced.

import { Clock, high32, join64, low32 } from './clock.ts';
import {
  MIP_MTIP, MIP_WRITABLE_IN_MIE, MSTATUS_MIE, MSTATUS_MPIE, MSTATUS_MPP,
  MSTATUS_MPP_SHIFT, PRIV_M,
} from './privilege.ts';

export const CSR = {
  cycle: 0xc00, time: 0xc01, instret: 0xc02,
  cycleh: 0xc80, timeh: 0xc81, instreth: 0xc82,
  mvendorid: 0xf11, marchid: 0xf12, mimpid: 0xf13, mhartid: 0xf14, mconfigptr: 0xf15,
  mstatus: 0x300, misa: 0x301, medeleg: 0x302, mideleg: 0x303, mie: 0x304, mtvec: 0x305,
  mcounteren: 0x306, mstatush: 0x310, mcountinhibit: 0x320,
  mscratch: 0x340, mepc: 0x341, mcause: 0x342, mtval: 0x343, mip: 0x344,
  mcycle: 0xb00, minstret: 0xb02, mcycleh: 0xb80, minstreth: 0xb82,
} as const;

/** MXL=1 (32-bit), extensions A, I, M and U (3.1.1). */
export const MISA = (1 << 30) | (1 << 0) | (1 << 8) | (1 << 12) | (1 << 20);

const MSTATUS_WRITABLE = MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP;

export interface CsrState {
  mstatus: number; mie: number; mipLines: number; mtvec: number; mepc: number;
  mcause: number; mtval: number; mscratch: number; mcounteren: number;
  instret: number; mcycleOffset: number; minstretOffset: number;
  pmpcfg: number[]; pmpaddr: number[];
}

export class CsrFile {
  mstatus = 0;
  mie = 0;
  /** MSIP and MEIP as driven by devices; MTIP is computed from the clock. */
  mipLines = 0;
  mtvec = 0;
  mepc = 0;
  mcause = 0;
  mtval = 0;
  mscratch = 0;
  mcounteren = 0;
  /** Instructions retired since reset. */
  instret = 0;
  mcycleOffset = 0;
  minstretOffset = 0;
  pmpcfg = [0, 0, 0, 0];
  pmpaddr = new Array<number>(16).fill(0);

  constructor(private readonly clock: Clock) {}

  mip(): number {
    return this.mipLines | (this.clock.timerPending() ? MIP_MTIP : 0);
  }

  /** May code at `priv` access this CSR (and write it, if `write`)? Unknown CSRs: no. */
  accessible(num: number, priv: number, write: boolean): boolean {
    if (write && (num >>> 10) === 3) return false;
    if (((num >>> 8) & 3) > priv) return false;
    if (priv < PRIV_M && (num & 0xf60) === 0xc00) {
      if (!((this.mcounteren >>> (num & 31)) & 1)) return false;
    }
    return this.read(num) !== undefined;
  }

  /** The CSR's value as an int32 bit pattern, or undefined if it does not exist. */
  read(num: number): number | undefined {
    switch (num) {
      case CSR.mstatus: return this.mstatus;
      case CSR.misa: return MISA;
      case CSR.mie: return this.mie;
      case CSR.mip: return this.mip();
      case CSR.mtvec: return this.mtvec;
      case CSR.mepc: return this.mepc;
      case CSR.mcause: return this.mcause;
      case CSR.mtval: return this.mtval;
      case CSR.mscratch: return this.mscratch;
      case CSR.mcounteren: return this.mcounteren;
      case CSR.mvendorid: case CSR.marchid: case CSR.mimpid: case CSR.mhartid:
      case CSR.mconfigptr: case CSR.medeleg: case CSR.mideleg: case CSR.mstatush:
      case CSR.mcountinhibit:
        return 0;
      case CSR.cycle: case CSR.mcycle: return low32(this.mcycle()) | 0;
      case CSR.cycleh: case CSR.mcycleh: return high32(this.mcycle()) | 0;
      case CSR.instret: case CSR.minstret: return low32(this.minstret()) | 0;
      case CSR.instreth: case CSR.minstreth: return high32(this.minstret()) | 0;
      case CSR.time: return low32(this.clock.mtime()) | 0;
      case CSR.timeh: return high32(this.clock.mtime()) | 0;
    }
    if (num >= 0x3a0 && num <= 0x3a3) return this.pmpcfg[num - 0x3a0];
    if (num >= 0x3b0 && num <= 0x3bf) return this.pmpaddr[num - 0x3b0];
    if (isZeroCounter(num)) return 0;
    return undefined;
  }

  /** Writes the WARL-legalized value; read-only and unknown CSRs are the caller's check. */
  write(num: number, value: number): void {
    switch (num) {
      case CSR.mstatus: {
        let v = value & MSTATUS_WRITABLE;
        // MPP is WARL: only U (0) and M (3) exist, anything else becomes U.
        if (((v & MSTATUS_MPP) >>> MSTATUS_MPP_SHIFT) !== PRIV_M) v &= ~MSTATUS_MPP;
        this.mstatus = v;
        return;
      }
      case CSR.mie: this.mie = value & MIP_WRITABLE_IN_MIE; return;
      // mtvec MODE 0 = direct, 1 = vectored; reserved modes fold onto those (WARL).
      case CSR.mtvec: this.mtvec = value & ~2; return;
      case CSR.mepc: this.mepc = value & ~3; return;
      case CSR.mcause: this.mcause = value | 0; return;
      case CSR.mtval: this.mtval = value | 0; return;
      case CSR.mscratch: this.mscratch = value | 0; return;
      case CSR.mcounteren: this.mcounteren = value & 7; return;
      case CSR.mcycle: this.setMcycle(join64(high32(this.mcycle()), value)); return;
      case CSR.mcycleh: this.setMcycle(join64(value, low32(this.mcycle()))); return;
      case CSR.minstret: this.setMinstret(join64(high32(this.minstret()), value)); return;
      case CSR.minstreth: this.setMinstret(join64(value, low32(this.minstret()))); return;
    }
    if (num >= 0x3a0 && num <= 0x3a3) this.pmpcfg[num - 0x3a0] = value | 0;
    else if (num >= 0x3b0 && num <= 0x3bf) this.pmpaddr[num - 0x3b0] = value | 0;
    // mip (no writable bits without S-mode), misa, medeleg, mideleg and the
    // read-as-zero counters ignore writes.
  }

  mcycle(): number {
    return this.clock.cycles + this.mcycleOffset;
  }

  minstret(): number {
    return this.instret + this.minstretOffset;
  }

  private setMcycle(v: number): void {
    this.mcycleOffset = v - this.clock.cycles;
  }

  private setMinstret(v: number): void {
    this.minstretOffset = v - this.instret;
  }

  getState(): CsrState {
    return {
      mstatus: this.mstatus, mie: this.mie, mipLines: this.mipLines, mtvec: this.mtvec,
      mepc: this.mepc, mcause: this.mcause, mtval: this.mtval, mscratch: this.mscratch,
      mcounteren: this.mcounteren, instret: this.instret, mcycleOffset: this.mcycleOffset,
      minstretOffset: this.minstretOffset, pmpcfg: [...this.pmpcfg], pmpaddr: [...this.pmpaddr],
    };
  }

  setState(s: CsrState): void {
    Object.assign(this, s, { pmpcfg: [...s.pmpcfg], pmpaddr: [...s.pmpaddr] });
  }
}

/** hpmcounter3..31(h), mhpmcounter3..31(h), mhpmevent3..31: present, always zero. */
function isZeroCounter(num: number): boolean {
  const n = num & 31;
  if (n < 3) return false;
  const group = num & ~31;
  return group === 0xc00 || group === 0xc80 || group === 0xb00 || group === 0xb80
    || group === 0x320;
}

