// What a hart does to its M-mode CSRs when it takes a trap and when it returns with mret,
// shared by the CPU (on its own CSRs) and a vCPU (on the virtual CSRs the hypervisor keeps
// for its guest): the same state machine, on different registers.

import type { CsrFile } from './csr.ts';
import { vectorAddress } from './trap-vector.ts';
import {
  MSTATUS_MIE, MSTATUS_MPIE, MSTATUS_MPP, MSTATUS_MPP_SHIFT, MSTATUS_MPRV, PRIV_M,
} from './privilege.ts';

/**
 * 3.1.6.1, 3.1.14-3.1.16: records a trap taken at `epc` from privilege `priv` (mepc, mcause,
 * mtval; MPIE = MIE, MIE = 0, MPP = priv) and returns the handler's address. The hart is
 * then in M-mode.
 */
export function trapToMachine(s: CsrFile, priv: number, cause: number, tval: number, interrupt: boolean, epc: number): number {
  s.mepc = epc & ~1;
  s.mcause = ((interrupt ? 0x80000000 : 0) | cause) | 0;
  s.mtval = tval | 0;
  const mie = s.mstatus & MSTATUS_MIE;
  s.mstatus = (s.mstatus & ~(MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP))
    | (mie ? MSTATUS_MPIE : 0) | (priv << MSTATUS_MPP_SHIFT);
  return vectorAddress(s.mtvec, cause, interrupt);
}

/**
 * 3.3.2 MRET: MIE = MPIE, MPIE = 1, MPP = U, and MPRV = 0 unless returning to M-mode;
 * returns the privilege to go back to (at mepc).
 */
export function returnFromMachine(s: CsrFile): number {
  const mpp = (s.mstatus & MSTATUS_MPP) >>> MSTATUS_MPP_SHIFT;
  const mpie = s.mstatus & MSTATUS_MPIE;
  let m = (s.mstatus & ~(MSTATUS_MIE | MSTATUS_MPP)) | MSTATUS_MPIE | (mpie ? MSTATUS_MIE : 0);
  if (mpp !== PRIV_M) m &= ~MSTATUS_MPRV;
  s.mstatus = m;
  return mpp;
}
