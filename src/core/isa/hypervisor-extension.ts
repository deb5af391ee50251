// The H extension's registers (RISC-V privileged spec, chapter "Hypervisor Extension"):
// the hypervisor CSRs of HS-mode (hstatus, hedeleg, hideleg, hvip/hip/hie, hgeip/hgeie,
// hcounteren, htimedelta, htval, htinst, hgatp), the virtual-supervisor copies of the
// S-mode CSRs that VS-mode uses instead (vsstatus, vsie, vstvec, vsscratch, vsepc,
// vscause, vstval, vsip, vsatp), and the machine-level additions (mstatush.MPV/GVA,
// mtval2, mtinst).
//
// The virtualization mode V lives in the Cpu beside its privilege; this file answers the
// questions that depend on it but not on the rest of the hart: which CSR a CSR instruction
// reaches at (privilege, V) — s* CSRs become vs* CSRs in VS-mode ("Hypervisor and Virtual
// Supervisor CSRs") — and when an access is a virtual-instruction exception instead of an
// illegal one ("Trap Cause Codes"). Traps into and out of VS-mode are here too; the
// two-stage translation is two-stage.ts.
//
// Simplifications the spec allows: GEILEN = 0 (hgeip, hgeie and hstatus.VGEIN read as 0),
// VMIDLEN = 0 (hgatp.VMID reads as 0), henvcfg reads as 0, no Sstc (VSTIP comes from hvip).

import { vectorAddress } from './trap-vector.ts';
import {
  MIP_VSSIP, MIP_VS_LEVEL, MSTATUS_SIE, MSTATUS_SPIE, MSTATUS_SPP, MSTATUS_TVM, PRIV_M, PRIV_S,
  PRIV_U, SSTATUS_MASK,
} from './privilege.ts';

/** CSR numbers the H extension adds. */
export const HCSR = {
  hstatus: 0x600, hedeleg: 0x602, hideleg: 0x603, hie: 0x604, htimedelta: 0x605,
  hcounteren: 0x606, hgeie: 0x607, henvcfg: 0x60a, hedelegh: 0x612, htimedeltah: 0x615,
  henvcfgh: 0x61a, htval: 0x643, hip: 0x644, hvip: 0x645, htinst: 0x64a, hgatp: 0x680,
  hgeip: 0xe12,
  vsstatus: 0x200, vsie: 0x204, vstvec: 0x205, vsscratch: 0x240, vsepc: 0x241, vscause: 0x242,
  vstval: 0x243, vsip: 0x244, vsatp: 0x280,
  mtinst: 0x34a, mtval2: 0x34b,
} as const;

/** hstatus fields ("Hypervisor Status Register", HSXLEN = 32). */
export const HSTATUS_GVA = 1 << 6;
export const HSTATUS_SPV = 1 << 7;
export const HSTATUS_SPVP = 1 << 8;
export const HSTATUS_HU = 1 << 9;
export const HSTATUS_VTVM = 1 << 20;
export const HSTATUS_VTW = 1 << 21;
export const HSTATUS_VTSR = 1 << 22;
const HSTATUS_WRITABLE = HSTATUS_GVA | HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_HU | HSTATUS_VTVM
  | HSTATUS_VTW | HSTATUS_VTSR;

/** mstatush fields on RV32 ("Machine Status Registers"): previous V, guest virtual address. */
export const MSTATUSH_GVA = 1 << 6;
export const MSTATUSH_MPV = 1 << 7;

/**
 * "Hypervisor Trap Delegation Registers": exceptions 0-8, 12, 13 and 15 may go on to VS;
 * ecalls from HS, VS and M, guest-page faults and virtual instructions may not.
 */
export const HEDELEG_WRITABLE = 0x1ff | (1 << 12) | (1 << 13) | (1 << 15);
/** medeleg with H: also ecall from VS-mode (10) and causes 20-23 can go to HS-mode. */
export const MEDELEG_WRITABLE_H = 0xb3ff | (1 << 10) | (0xf << 20);

/** hgatp (RV32): MODE bit 31 (0 Bare, 1 Sv32x4), VMID 0 bits here, PPN 21..0 with PPN[1:0] = 0. */
export const HGATP_MODE_SV32X4 = 0x80000000;
const HGATP_PPN = 0x003ffffc;

/** Pseudoinstructions for htinst/mtinst ("Transformed Instruction or Pseudoinstruction"). */
export const TINST_VS_STAGE_READ = 0x00002000;
export const TINST_VS_STAGE_WRITE = 0x00002020;

/** What a CSR instruction may do instead of reaching a CSR. */
export const CSR_ILLEGAL = -1;
export const CSR_VIRTUAL = -2;

/** The registers; CsrFile holds one of these and shows them when the hart has H. */
export class HypervisorCsrs {
  hstatus = 0;
  hedeleg = 0;
  hideleg = 0;
  /** VSSIP, VSTIP and VSEIP asserted by the hypervisor; VSSIP is also hip's and mip's. */
  hvip = 0;
  hcounteren = 0;
  htval = 0;
  htinst = 0;
  hgatp = 0;
  /** 64-bit, modulo 2^64: what VS/VU-mode time reads add. */
  htimedelta = 0n;
  vsstatus = 0;
  vstvec = 0;
  vsscratch = 0;
  vsepc = 0;
  vscause = 0;
  vstval = 0;
  vsatp = 0;
  mstatush = 0;
  mtval2 = 0;
  mtinst = 0;
}

export interface HypervisorCsrState {
  hstatus: number; hedeleg: number; hideleg: number; hvip: number; hcounteren: number;
  htval: number; htinst: number; hgatp: number; htimedelta: string;
  vsstatus: number; vstvec: number; vsscratch: number; vsepc: number; vscause: number;
  vstval: number; vsatp: number; mstatush: number; mtval2: number; mtinst: number;
}

export function hypervisorState(h: HypervisorCsrs): HypervisorCsrState {
  return { ...h, htimedelta: String(h.htimedelta) };
}

export function setHypervisorState(h: HypervisorCsrs, s: HypervisorCsrState | undefined): void {
  const fresh = new HypervisorCsrs();
  const { htimedelta, ...rest } = s ?? hypervisorState(fresh);
  Object.assign(h, fresh, rest);
  h.htimedelta = BigInt.asUintN(64, BigInt(htimedelta));
}

/** The interrupt registers the H CSRs are views of (CsrFile). */
export interface InterruptRegisters {
  mie: number;
  mip(): number;
}

/** An H CSR's value, or undefined for any other number. */
export function readHypervisorCsr(h: HypervisorCsrs, irq: InterruptRegisters, num: number): number | undefined {
  switch (num) {
    case HCSR.hstatus: return h.hstatus;
    case HCSR.hedeleg: return h.hedeleg;
    case HCSR.hideleg: return h.hideleg;
    case HCSR.hie: return irq.mie & MIP_VS_LEVEL;
    case HCSR.hip: return irq.mip() & MIP_VS_LEVEL;
    case HCSR.hvip: return h.hvip;
    case HCSR.hcounteren: return h.hcounteren;
    case HCSR.htval: return h.htval;
    case HCSR.htinst: return h.htinst;
    case HCSR.hgatp: return h.hgatp;
    case HCSR.htimedelta: return Number(BigInt.asIntN(32, h.htimedelta));
    case HCSR.htimedeltah: return Number(BigInt.asIntN(32, h.htimedelta >> 32n));
    case HCSR.hgeie: case HCSR.hgeip: case HCSR.henvcfg: case HCSR.henvcfgh: case HCSR.hedelegh:
      return 0;
    case HCSR.vsstatus: return h.vsstatus;
    // "Virtual Supervisor Interrupt Registers": vsip/vsie bit i is hip/hie bit i+1 when
    // hideleg delegates that VS-level interrupt, else read-only zero.
    case HCSR.vsie: return (irq.mie & h.hideleg) >>> 1;
    case HCSR.vsip: return (irq.mip() & h.hideleg) >>> 1;
    case HCSR.vstvec: return h.vstvec;
    case HCSR.vsscratch: return h.vsscratch;
    case HCSR.vsepc: return h.vsepc;
    case HCSR.vscause: return h.vscause;
    case HCSR.vstval: return h.vstval;
    case HCSR.vsatp: return h.vsatp;
    case HCSR.mtval2: return h.mtval2;
    case HCSR.mtinst: return h.mtinst;
  }
  return undefined;
}

/** Writes the WARL-legalized value of an H CSR; false if `num` is not one. */
export function writeHypervisorCsr(h: HypervisorCsrs, irq: InterruptRegisters, num: number, value: number): boolean {
  switch (num) {
    case HCSR.hstatus: h.hstatus = value & HSTATUS_WRITABLE; return true;
    case HCSR.hedeleg: h.hedeleg = value & HEDELEG_WRITABLE; return true;
    case HCSR.hideleg: h.hideleg = value & MIP_VS_LEVEL; return true;
    case HCSR.hie: irq.mie = (irq.mie & ~MIP_VS_LEVEL) | (value & MIP_VS_LEVEL); return true;
    case HCSR.hip: h.hvip = (h.hvip & ~MIP_VSSIP) | (value & MIP_VSSIP); return true; // only VSSIP
    case HCSR.hvip: h.hvip = value & MIP_VS_LEVEL; return true;
    case HCSR.hcounteren: h.hcounteren = value & 7; return true;
    case HCSR.htval: h.htval = value | 0; return true;
    case HCSR.htinst: h.htinst = value | 0; return true;
    case HCSR.hgatp: h.hgatp = (value & (HGATP_MODE_SV32X4 | HGATP_PPN)) | 0; return true;
    case HCSR.htimedelta: h.htimedelta = (h.htimedelta & ~0xffffffffn) | BigInt(value >>> 0); return true;
    case HCSR.htimedeltah: h.htimedelta = (h.htimedelta & 0xffffffffn) | (BigInt(value >>> 0) << 32n); return true;
    case HCSR.hgeie: case HCSR.henvcfg: case HCSR.henvcfgh: case HCSR.hedelegh: return true;
    case HCSR.vsstatus: h.vsstatus = value & SSTATUS_MASK; return true;
    case HCSR.vsie: {
      const m = h.hideleg;
      irq.mie = (irq.mie & ~m) | ((value << 1) & m);
      return true;
    }
    case HCSR.vsip: {
      const m = h.hideleg & MIP_VSSIP; // vsip.SSIP is hvip.VSSIP; STIP and SEIP are read-only
      h.hvip = (h.hvip & ~m) | ((value << 1) & m);
      return true;
    }
    case HCSR.vstvec: h.vstvec = value & ~2; return true;
    case HCSR.vsscratch: h.vsscratch = value | 0; return true;
    case HCSR.vsepc: h.vsepc = value & ~1; return true;
    case HCSR.vscause: h.vscause = value | 0; return true;
    case HCSR.vstval: h.vstval = value | 0; return true;
    case HCSR.vsatp: h.vsatp = value | 0; return true;
    case HCSR.mtval2: h.mtval2 = value | 0; return true;
    case HCSR.mtinst: h.mtinst = value | 0; return true;
  }
  return false;
}

/** S-mode CSRs and the VS CSR that stands for each while V=1. */
const VS_ALIAS: Record<number, number> = {
  0x100: HCSR.vsstatus, 0x104: HCSR.vsie, 0x105: HCSR.vstvec, 0x140: HCSR.vsscratch,
  0x141: HCSR.vsepc, 0x142: HCSR.vscause, 0x143: HCSR.vstval, 0x144: HCSR.vsip, 0x180: HCSR.vsatp,
};
const SATP = 0x180;

/** What csrTarget needs of the CSR file. */
export interface CsrAccessRules {
  readonly h: HypervisorCsrs;
  readonly mcounteren: number;
  readonly scounteren: number;
  readonly mstatus: number;
  /** The bare (V=0) rule: may code at `priv` access this CSR? */
  accessible(num: number, priv: number, write: boolean): boolean;
}

/**
 * The CSR a CSR instruction at (priv, V) reaches, or CSR_ILLEGAL / CSR_VIRTUAL.
 * V=0 is the usual rule. V=1 follows "Hypervisor and Virtual Supervisor CSRs" and the list
 * of virtual-instruction cases in "Trap Cause Codes": in VS-mode the s* CSRs are their vs*
 * copies (satp with hstatus.VTVM is virtual); an access that HS-mode could make (assuming
 * mstatus.TVM = 0) to a hypervisor or VS CSR, or from VU-mode to a supervisor CSR, is
 * virtual; a counter disabled in hcounteren (or, in VU-mode, scounteren) but enabled in
 * mcounteren is virtual; everything else the bare rule forbids is illegal.
 */
export function csrTarget(s: CsrAccessRules, num: number, priv: number, virt: boolean, write: boolean): number {
  if (!virt) return s.accessible(num, priv, write) ? num : CSR_ILLEGAL;
  if ((num & 0xf60) === 0xc00) return counterTarget(s, num, priv, write);
  const level = (num >>> 8) & 3;
  const hsAllowed = (level === 1 || level === 2) && hsMayAccess(s, num, write);
  if (level === 3) return CSR_ILLEGAL;
  if (level === 2) return hsAllowed ? CSR_VIRTUAL : CSR_ILLEGAL;
  if (level === 1) {
    if (priv === PRIV_U) return hsAllowed ? CSR_VIRTUAL : CSR_ILLEGAL;
    if (num === SATP && (s.h.hstatus & HSTATUS_VTVM)) return CSR_VIRTUAL;
    const alias = VS_ALIAS[num];
    if (alias !== undefined) return write && !hsAllowed ? CSR_ILLEGAL : alias;
    return s.accessible(num, PRIV_S, write) ? num : CSR_ILLEGAL; // scounteren, senvcfg
  }
  return s.accessible(num, priv, write) ? num : CSR_ILLEGAL;
}

/** Could HS-mode make this access, with mstatus.TVM taken as 0? */
function hsMayAccess(s: CsrAccessRules, num: number, write: boolean): boolean {
  if ((s.mstatus & MSTATUS_TVM) === 0) return s.accessible(num, PRIV_S, write);
  // Only satp and hgatp depend on TVM; both exist and are writable.
  return num === SATP || num === HCSR.hgatp || s.accessible(num, PRIV_S, write);
}

/** cycle, time, instret and the hpm counters (and their high halves) while V=1. */
function counterTarget(s: CsrAccessRules, num: number, priv: number, write: boolean): number {
  if (!s.accessible(num, PRIV_M, write)) return CSR_ILLEGAL;
  const bit = 1 << (num & 31);
  if (!(s.mcounteren & bit)) return CSR_ILLEGAL;
  if (!(s.h.hcounteren & bit)) return CSR_VIRTUAL;
  if (priv === PRIV_U && !(s.scounteren & bit)) return CSR_VIRTUAL;
  return num;
}

/**
 * "Trap Entry": a trap into VS-mode writes vsepc, vscause (a VS-level interrupt is seen as
 * its S-level cause: 2, 6, 10 become 1, 5, 9), vstval and vsstatus's SPP, SPIE and SIE;
 * V stays 1. Returns the handler's address (vstvec).
 */
export function trapToVirtualSupervisor(h: HypervisorCsrs, priv: number, cause: number, tval: number, interrupt: boolean, epc: number): number {
  const c = interrupt ? cause - 1 : cause;
  h.vsepc = epc & ~1;
  h.vscause = ((interrupt ? 0x80000000 : 0) | c) | 0;
  h.vstval = tval | 0;
  const sie = h.vsstatus & MSTATUS_SIE;
  h.vsstatus = (h.vsstatus & ~(MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP))
    | (sie ? MSTATUS_SPIE : 0) | (priv === PRIV_S ? MSTATUS_SPP : 0);
  return vectorAddress(h.vstvec, c, interrupt);
}

/** "Trap Return": SRET in VS-mode: privilege = vsstatus.SPP, SIE = SPIE, SPIE = 1, SPP = 0. */
export function returnFromVirtualSupervisor(h: HypervisorCsrs): number {
  const spp = h.vsstatus & MSTATUS_SPP ? PRIV_S : PRIV_U;
  const spie = h.vsstatus & MSTATUS_SPIE;
  h.vsstatus = (h.vsstatus & ~(MSTATUS_SIE | MSTATUS_SPP)) | MSTATUS_SPIE | (spie ? MSTATUS_SIE : 0);
  return spp;
}

/**
 * "Trap Entry", HS-mode's extra state: hstatus.SPV = V; SPVP = the nominal privilege when V
 * was 1 (else unchanged); GVA; htval = guest-physical address >> 2 of a guest-page fault
 * (else 0); htinst.
 */
export function recordHypervisorTrap(h: HypervisorCsrs, virt: boolean, priv: number, gva: boolean, guestPhysical: number, tinst: number): void {
  let hs = h.hstatus & ~(HSTATUS_SPV | HSTATUS_GVA);
  if (virt) hs = (hs & ~HSTATUS_SPVP) | HSTATUS_SPV | (priv === PRIV_S ? HSTATUS_SPVP : 0);
  h.hstatus = hs | (gva ? HSTATUS_GVA : 0);
  h.htval = Math.floor(guestPhysical / 4) | 0;
  h.htinst = tinst | 0;
}

/** "Trap Entry", M-mode's extra state: mstatush.MPV = V, GVA; mtval2; mtinst. */
export function recordMachineTrap(h: HypervisorCsrs, virt: boolean, gva: boolean, guestPhysical: number, tinst: number): void {
  h.mstatush = (virt ? MSTATUSH_MPV : 0) | (gva ? MSTATUSH_GVA : 0);
  h.mtval2 = Math.floor(guestPhysical / 4) | 0;
  h.mtinst = tinst | 0;
}

/** Exceptions whose xtval is a (guest) virtual address, so GVA says which kind. */
export function writesVirtualAddress(cause: number): boolean {
  return cause <= 7 && cause !== 2 && cause !== 3 || cause === 12 || cause === 13 || cause === 15
    || cause === 20 || cause === 21 || cause === 23;
}

/** Guest-page faults 20, 21, 23. */
export function isGuestPageFault(cause: number): boolean {
  return cause === 20 || cause === 21 || cause === 23;
}
