// Control and status registers of an M+S+U hart (RISC-V privileged spec, chapters 2-4).
//
// Access rules (2.1): CSR number bits 9..8 give the lowest privilege that may access it,
// bits 11..10 == 0b11 mark it read-only. Counters below M-mode need their mcounteren bit,
// and in U-mode their scounteren bit too (3.1.11, 4.1.5); satp in S-mode needs
// mstatus.TVM = 0 (3.1.6.5). Any other access from too low a privilege is an illegal
// instruction, which is what a trap-and-emulate hypervisor builds on.
//
// The S-mode registers sstatus, sie and sip are views of mstatus, mie and mip (4.1.1,
// 4.1.3): sstatus shows SIE, SPIE, SPP, SUM and MXR; sie and sip show only the interrupts
// delegated in mideleg. medeleg/mideleg delegate (3.1.8): see delegation.ts.
// The trigger registers (tselect, tdata1-3) read as "no triggers" (debug spec 5.7):
// tselect is 0 and tdata1's type is 0. PMP entries live in pmp.ts.
//
// A hart with the H extension (option `hypervisor`) also has the hypervisor and VS CSRs of
// hypervisor-extension.ts: misa.H is set, mideleg's VS-level bits read as one, mip/mie
// gain the VS-level bits (mip.VSSIP is hvip.VSSIP), and the hypervisor-level CSRs
// (bits 9..8 = 2) are accessible from HS-mode. A hart without it (a vCPU's virtual CSRs)
// is exactly the M+S+U file.

import type { Clock } from './clock.ts';
import {
  HCSR, HypervisorCsrs, MEDELEG_WRITABLE_H, hypervisorState, readHypervisorCsr, setHypervisorState,
  writeHypervisorCsr, type HypervisorCsrState,
} from './hypervisor-extension.ts';
import { Pmp, type PmpState } from './pmp.ts';
import { StateVersionError } from './state-header.ts';
import {
  MIP_MTIP, MIP_S_LEVEL, MIP_SSIP, MIP_WRITABLE_IN_MIE, MSTATUS_MIE, MSTATUS_MPIE, MSTATUS_MPP,
  MSTATUS_MPP_SHIFT, MSTATUS_MPRV, MSTATUS_MXR, MSTATUS_SIE, MSTATUS_SPIE, MSTATUS_SPP,
  MSTATUS_SUM, MSTATUS_TSR, MSTATUS_TVM, MSTATUS_TW, MIP_VSSIP, MIP_VS_LEVEL, PRIV_M, PRIV_S,
  PRIV_U, SSTATUS_MASK,
} from './privilege.ts';

export const CSR = {
  cycle: 0xc00, time: 0xc01, instret: 0xc02,
  cycleh: 0xc80, timeh: 0xc81, instreth: 0xc82,
  sstatus: 0x100, sie: 0x104, stvec: 0x105, scounteren: 0x106, senvcfg: 0x10a,
  sscratch: 0x140, sepc: 0x141, scause: 0x142, stval: 0x143, sip: 0x144, satp: 0x180,
  mvendorid: 0xf11, marchid: 0xf12, mimpid: 0xf13, mhartid: 0xf14, mconfigptr: 0xf15,
  mstatus: 0x300, misa: 0x301, medeleg: 0x302, mideleg: 0x303, mie: 0x304, mtvec: 0x305,
  mcounteren: 0x306, menvcfg: 0x30a, mstatush: 0x310, menvcfgh: 0x31a, mcountinhibit: 0x320,
  mscratch: 0x340, mepc: 0x341, mcause: 0x342, mtval: 0x343, mip: 0x344,
  pmpcfg0: 0x3a0, pmpaddr0: 0x3b0,
  tselect: 0x7a0, tdata1: 0x7a1, tdata2: 0x7a2, tdata3: 0x7a3,
  mcycle: 0xb00, minstret: 0xb02, mcycleh: 0xb80, minstreth: 0xb82,
} as const;

/** MXL=1 (32-bit), extensions A, C, I, M, S and U (3.1.1). */
export const MISA = (1 << 30) | (1 << 0) | (1 << 2) | (1 << 8) | (1 << 12) | (1 << 18) | (1 << 20);
/** misa with H (bit 7, "Hypervisor Extension"). */
export const MISA_H = MISA | (1 << 7);

const MSTATUS_WRITABLE = MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP
  | MSTATUS_MPP | MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR;

/** Exceptions M-mode may delegate (3.1.8): all but ecall from M-mode (medeleg[11] is 0). */
export const MEDELEG_WRITABLE = 0xb3ff;

/** satp (4.1.11, RV32): MODE (bit 31: 0 bare, 1 Sv32), ASID (30..22), PPN (21..0). */
export const SATP_MODE_SV32 = 0x80000000;
export const SATP_PPN = 0x003fffff;

export const CSR_STATE_VERSION = 3;

export interface CsrState {
  version: number;
  mstatus: number; mie: number; mipLines: number; mipSoft: number; mtvec: number; mepc: number;
  mcause: number; mtval: number; mscratch: number; mcounteren: number;
  medeleg: number; mideleg: number;
  stvec: number; sepc: number; scause: number; stval: number; sscratch: number; satp: number;
  scounteren: number;
  /** mcycle and minstret minus the hart's own counts, modulo 2^64, as decimal strings. */
  instret: number; mcycleOffset: string; minstretOffset: string;
  pmp: PmpState;
  /** Version 3: the H extension's registers, and whether the hart has it. */
  hypervisor?: boolean;
  h?: HypervisorCsrState;
}

export class CsrFile {
  mstatus = 0;
  mie = 0;
  /** Interrupt lines driven by devices (MSIP from the CLINT, MEIP/SEIP from the PLIC or UART). */
  mipLines = 0;
  /** SSIP, STIP and SEIP as written by software (3.1.9); MTIP is computed from the clock. */
  mipSoft = 0;
  mtvec = 0;
  mepc = 0;
  mcause = 0;
  mtval = 0;
  mscratch = 0;
  mcounteren = 0;
  medeleg = 0;
  mideleg = 0;
  stvec = 0;
  sepc = 0;
  scause = 0;
  stval = 0;
  sscratch = 0;
  satp = 0;
  scounteren = 0;
  /** Instructions retired since reset. */
  instret = 0;
  /** mcycle = clock.cycles + mcycleOffset (mod 2^64); exact 64-bit arithmetic (3.1.10). */
  mcycleOffset = 0n;
  minstretOffset = 0n;
  pmp: Pmp;
  /** The H extension's registers (all zero and invisible without it). */
  readonly h = new HypervisorCsrs();

  constructor(private readonly clock: Clock, pmpEntries = 0, public hypervisor = false) {
    this.pmp = new Pmp(pmpEntries);
  }

  mip(): number {
    return this.mipLines | this.mipSoft | this.h.hvip | (this.clock.timerPending() ? MIP_MTIP : 0);
  }

  /** mideleg as the hart uses it: with H, the VS-level interrupts always go past M-mode. */
  delegatedInterrupts(): number {
    return this.hypervisor ? this.mideleg | MIP_VS_LEVEL : this.mideleg;
  }

  /** "Hypervisor Time Delta": time (or timeh) as VS- and VU-mode read it. */
  guestTime(num: number): number {
    const t = BigInt.asUintN(64, BigInt(this.clock.mtime()) + this.h.htimedelta);
    return Number(BigInt.asIntN(32, num === CSR.timeh ? t >> 32n : t));
  }

  /** May code at `priv` access this CSR (and write it, if `write`)? Unknown CSRs: no. */
  accessible(num: number, priv: number, write: boolean): boolean {
    if (write && (num >>> 10) === 3) return false;
    const level = (num >>> 8) & 3;
    // Hypervisor-level CSRs belong to HS-mode (nominal privilege S).
    if ((level === 2 && this.hypervisor ? PRIV_S : level) > priv) return false;
    if (num === HCSR.hgatp && priv === PRIV_S && (this.mstatus & MSTATUS_TVM)) return false;
    if (priv < PRIV_M && (num & 0xf60) === 0xc00) {
      const bit = 1 << (num & 31);
      if (!(this.mcounteren & bit)) return false;
      if (priv === PRIV_U && !(this.scounteren & bit)) return false;
    }
    if (num === CSR.satp && priv === PRIV_S && (this.mstatus & MSTATUS_TVM)) return false;
    return this.read(num) !== undefined;
  }

  /** The CSR's value as an int32 bit pattern, or undefined if it does not exist. */
  read(num: number): number | undefined {
    if (this.hypervisor) {
      const v = readHypervisorCsr(this.h, this, num);
      if (v !== undefined) return v;
    }
    switch (num) {
      case CSR.mstatus: return this.mstatus;
      case CSR.misa: return this.hypervisor ? MISA_H : MISA;
      case CSR.medeleg: return this.medeleg;
      case CSR.mideleg: return this.delegatedInterrupts();
      case CSR.mie: return this.mie;
      case CSR.mip: return this.mip();
      case CSR.mtvec: return this.mtvec;
      case CSR.mepc: return this.mepc;
      case CSR.mcause: return this.mcause;
      case CSR.mtval: return this.mtval;
      case CSR.mscratch: return this.mscratch;
      case CSR.mcounteren: return this.mcounteren;
      case CSR.sstatus: return this.mstatus & SSTATUS_MASK;
      // With H the VS-level bits are hip's and hie's, not sip's and sie's.
      case CSR.sie: return this.mie & this.mideleg & ~MIP_VS_LEVEL;
      case CSR.sip: return this.mip() & this.mideleg & ~MIP_VS_LEVEL;
      case CSR.stvec: return this.stvec;
      case CSR.sepc: return this.sepc;
      case CSR.scause: return this.scause;
      case CSR.stval: return this.stval;
      case CSR.sscratch: return this.sscratch;
      case CSR.satp: return this.satp;
      case CSR.scounteren: return this.scounteren;
      case CSR.mvendorid: case CSR.marchid: case CSR.mimpid: case CSR.mhartid:
      case CSR.mconfigptr: case CSR.mstatush: case CSR.mcountinhibit:
      case CSR.menvcfg: case CSR.menvcfgh: case CSR.senvcfg:
      case CSR.tselect: case CSR.tdata1: case CSR.tdata2: case CSR.tdata3:
        return 0;
      case CSR.cycle: case CSR.mcycle: return Number(BigInt.asIntN(32, this.mcycle()));
      case CSR.cycleh: case CSR.mcycleh: return Number(BigInt.asIntN(32, this.mcycle() >> 32n));
      case CSR.instret: case CSR.minstret: return Number(BigInt.asIntN(32, this.minstret()));
      case CSR.instreth: case CSR.minstreth: return Number(BigInt.asIntN(32, this.minstret() >> 32n));
      case CSR.time: return Number(BigInt.asIntN(32, BigInt(this.clock.mtime())));
      case CSR.timeh: return Number(BigInt.asIntN(32, BigInt(this.clock.mtime()) >> 32n));
    }
    if (num >= 0x3a0 && num <= 0x3af) return this.pmp.readCfg(num - 0x3a0);
    if (num >= 0x3b0 && num <= 0x3ef) return this.pmp.readAddr(num - 0x3b0);
    if (isZeroCounter(num)) return 0;
    return undefined;
  }

  /**
   * The value a read-modify-write CSR instruction starts from. For mip and sip that is the
   * software-written SEIP, not the line from the interrupt controller (3.1.9).
   */
  readForUpdate(num: number): number | undefined {
    if (num === CSR.mip) return (this.mip() & ~MIP_S_LEVEL) | this.mipSoft;
    if (num === CSR.sip) return ((this.mip() & ~MIP_S_LEVEL) | this.mipSoft) & this.mideleg & ~MIP_VS_LEVEL;
    return this.read(num);
  }

  /** Writes the WARL-legalized value; read-only and unknown CSRs are the caller's check. */
  write(num: number, value: number): void {
    if (this.hypervisor && writeHypervisorCsr(this.h, this, num, value)) return;
    const h = this.hypervisor;
    switch (num) {
      case CSR.mstatus: this.writeMstatus(value); return;
      case CSR.medeleg: this.medeleg = value & (h ? MEDELEG_WRITABLE_H : MEDELEG_WRITABLE); return;
      case CSR.mideleg: this.mideleg = value & MIP_S_LEVEL; return;
      case CSR.mie: this.mie = value & (h ? MIP_WRITABLE_IN_MIE | MIP_VS_LEVEL : MIP_WRITABLE_IN_MIE); return;
      case CSR.mip:
        this.mipSoft = value & MIP_S_LEVEL;
        if (h) this.h.hvip = (this.h.hvip & ~MIP_VSSIP) | (value & MIP_VSSIP); // mip.VSSIP is hvip's
        return;
      // xtvec MODE 0 = direct, 1 = vectored; reserved modes fold onto those (WARL).
      case CSR.mtvec: this.mtvec = value & ~2; return;
      // IALIGN = 16 with the C extension: xepc bit 0 is always zero (3.1.14).
      case CSR.mepc: this.mepc = value & ~1; return;
      case CSR.mcause: this.mcause = value | 0; return;
      case CSR.mtval: this.mtval = value | 0; return;
      case CSR.mscratch: this.mscratch = value | 0; return;
      case CSR.mcounteren: this.mcounteren = value & 7; return;
      case CSR.sstatus: this.mstatus = (this.mstatus & ~SSTATUS_MASK) | (value & SSTATUS_MASK); return;
      case CSR.sie: {
        const m = this.mideleg & ~MIP_VS_LEVEL;
        this.mie = (this.mie & ~m) | (value & m);
        return;
      }
      case CSR.sip: {
        // Only SSIP is writable through sip, and only when delegated (4.1.3).
        const m = this.mideleg & MIP_SSIP;
        this.mipSoft = (this.mipSoft & ~m) | (value & m);
        return;
      }
      case CSR.stvec: this.stvec = value & ~2; return;
      case CSR.sepc: this.sepc = value & ~1; return;
      case CSR.scause: this.scause = value | 0; return;
      case CSR.stval: this.stval = value | 0; return;
      case CSR.sscratch: this.sscratch = value | 0; return;
      case CSR.satp: this.satp = value | 0; return; // both MODE values exist on RV32
      case CSR.scounteren: this.scounteren = value & 7; return;
      case CSR.mcycle: this.setMcycle(withHalf(this.mcycle(), value, false)); return;
      case CSR.mcycleh: this.setMcycle(withHalf(this.mcycle(), value, true)); return;
      case CSR.minstret: this.setMinstret(withHalf(this.minstret(), value, false)); return;
      case CSR.minstreth: this.setMinstret(withHalf(this.minstret(), value, true)); return;
    }
    if (num >= 0x3a0 && num <= 0x3af) this.pmp.writeCfg(num - 0x3a0, value);
    else if (num >= 0x3b0 && num <= 0x3ef) this.pmp.writeAddr(num - 0x3b0, value);
    // misa, the envcfg and trigger registers, and the read-as-zero counters ignore writes.
  }

  private writeMstatus(value: number): void {
    let v = value & MSTATUS_WRITABLE;
    // MPP is WARL over U, S and M: the reserved value 2 keeps the previous MPP.
    if (((v & MSTATUS_MPP) >>> MSTATUS_MPP_SHIFT) === 2) v = (v & ~MSTATUS_MPP) | (this.mstatus & MSTATUS_MPP);
    this.mstatus = v;
  }

  /** The 64-bit mcycle counter. */
  mcycle(): bigint {
    return BigInt.asUintN(64, BigInt(this.clock.cycles) + this.mcycleOffset);
  }

  /** The 64-bit minstret counter. */
  minstret(): bigint {
    return BigInt.asUintN(64, BigInt(this.instret) + this.minstretOffset);
  }

  private setMcycle(v: bigint): void {
    this.mcycleOffset = BigInt.asUintN(64, v - BigInt(this.clock.cycles));
  }

  /**
   * 3.1.10: the value written is what the next instruction reads, so the writing
   * instruction's own retirement (counted after this) does not increment it.
   */
  private setMinstret(v: bigint): void {
    this.minstretOffset = BigInt.asUintN(64, v - BigInt(this.instret) - 1n);
  }

  getState(): CsrState {
    return {
      version: CSR_STATE_VERSION,
      mstatus: this.mstatus, mie: this.mie, mipLines: this.mipLines, mipSoft: this.mipSoft,
      mtvec: this.mtvec, mepc: this.mepc, mcause: this.mcause, mtval: this.mtval,
      mscratch: this.mscratch, mcounteren: this.mcounteren,
      medeleg: this.medeleg, mideleg: this.mideleg,
      stvec: this.stvec, sepc: this.sepc, scause: this.scause, stval: this.stval,
      sscratch: this.sscratch, satp: this.satp, scounteren: this.scounteren,
      instret: this.instret, mcycleOffset: String(this.mcycleOffset),
      minstretOffset: String(this.minstretOffset),
      pmp: this.pmp.getState(),
      hypervisor: this.hypervisor, h: hypervisorState(this.h),
    };
  }

  /**
   * Restores a state of this version or of version 2 (before the H extension: such a hart
   * keeps this one's `hypervisor` setting, with its H registers at reset values); the PMP
   * takes the saved number of entries.
   */
  setState(s: CsrState): void {
    if (s?.version !== CSR_STATE_VERSION && s?.version !== 2) {
      throw new StateVersionError(`saved CSR state has version ${String(s?.version)}, this build reads versions 2 and ${CSR_STATE_VERSION}`);
    }
    const pmp = new Pmp(s.pmp.entries);
    pmp.setState(s.pmp);
    setHypervisorState(this.h, s.h);
    if (s.hypervisor !== undefined) this.hypervisor = s.hypervisor;
    const { version: _version, pmp: _pmp, mcycleOffset, minstretOffset, hypervisor: _hyp, h: _h, ...registers } = s;
    const cycleOffset = BigInt(mcycleOffset);
    const instretOffset = BigInt(minstretOffset);
    Object.assign(this, registers);
    this.mcycleOffset = cycleOffset;
    this.minstretOffset = instretOffset;
    this.pmp = pmp;
  }
}

/** `counter` with its low (or, if `high`, its high) 32 bits replaced by `value`. */
function withHalf(counter: bigint, value: number, high: boolean): bigint {
  const v = BigInt(value >>> 0);
  return high ? (v << 32n) | (counter & 0xffffffffn) : (counter & ~0xffffffffn) | v;
}

/** hpmcounter3..31(h), mhpmcounter3..31(h), mhpmevent3..31: present, always zero. */
function isZeroCounter(num: number): boolean {
  const n = num & 31;
  if (n < 3) return false;
  const group = num & ~31;
  return group === 0xc00 || group === 0xc80 || group === 0xb00 || group === 0xb80
    || group === 0x320;
}

