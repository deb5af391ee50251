// What a hart does to its S-mode CSRs when a trap is delegated to S-mode and when it
// returns with sret (RISC-V privileged spec 4.1.1, 4.1.7-4.1.9, 3.3.2).

import type { CsrFile } from './csr.ts';
import { vectorAddress } from './trap-vector.ts';
import {
  MSTATUS_MPRV, MSTATUS_SIE, MSTATUS_SPIE, MSTATUS_SPP, PRIV_S, PRIV_U,
} from './privilege.ts';

/**
 * 4.1.1, 4.1.7-4.1.9: records a trap taken at `epc` from privilege `priv` (U or S) in sepc,
 * scause and stval; SPIE = SIE, SIE = 0, SPP = priv; returns the handler's address.
 * The hart is then in S-mode.
 */
export function trapToSupervisor(s: CsrFile, priv: number, cause: number, tval: number, interrupt: boolean, epc: number): number {
  s.sepc = epc & ~1;
  s.scause = ((interrupt ? 0x80000000 : 0) | cause) | 0;
  s.stval = tval | 0;
  const sie = s.mstatus & MSTATUS_SIE;
  s.mstatus = (s.mstatus & ~(MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP))
    | (sie ? MSTATUS_SPIE : 0) | (priv === PRIV_S ? MSTATUS_SPP : 0);
  return vectorAddress(s.stvec, cause, interrupt);
}

/**
 * 3.3.2 SRET: SIE = SPIE, SPIE = 1, SPP = U, MPRV = 0 (sret never returns to M-mode);
 * returns the privilege to go back to (at sepc).
 */
export function returnFromSupervisor(s: CsrFile): number {
  const spp = s.mstatus & MSTATUS_SPP ? PRIV_S : PRIV_U;
  const spie = s.mstatus & MSTATUS_SPIE;
  s.mstatus = (s.mstatus & ~(MSTATUS_SIE | MSTATUS_SPP | MSTATUS_MPRV)) | MSTATUS_SPIE
    | (spie ? MSTATUS_SIE : 0);
  return spp;
}
