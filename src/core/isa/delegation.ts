// Which privilege mode takes a trap (RISC-V privileged spec 3.1.8 and 3.1.9).
//
// A trap is taken in M-mode unless its bit is set in medeleg (exceptions) or mideleg
// (interrupts) and it happens in S- or U-mode: then S-mode takes it. A trap never moves
// to a less privileged mode, so a delegated trap raised in M-mode stays in M-mode.

import type { CsrFile } from './csr.ts';
import { INTERRUPT_PRIORITY, MSTATUS_MIE, MSTATUS_SIE, PRIV_M, PRIV_S } from './privilege.ts';

/** 3.1.8: the mode that handles this trap when it is raised at `priv`. */
export function trapTarget(s: CsrFile, priv: number, cause: number, interrupt: boolean): number {
  if (priv === PRIV_M) return PRIV_M;
  const deleg = interrupt ? s.mideleg : s.medeleg;
  return cause < 32 && ((deleg >>> cause) & 1) ? PRIV_S : PRIV_M;
}

/**
 * 3.1.9: the interrupt the hart takes now at `priv`, or -1. An M-level interrupt (not
 * delegated) is enabled below M-mode, or in M-mode with MIE; a delegated one below S-mode,
 * or in S-mode with SIE, and never in M-mode. M-level interrupts come first, then by the
 * fixed priority MEI, MSI, MTI, SEI, SSI, STI.
 */
export function pendingInterrupt(s: CsrFile, priv: number): number {
  const pending = s.mip() & s.mie;
  if (pending === 0) return -1;
  const mEnabled = priv < PRIV_M || (s.mstatus & MSTATUS_MIE) !== 0;
  const sEnabled = priv < PRIV_S || (priv === PRIV_S && (s.mstatus & MSTATUS_SIE) !== 0);
  const toM = mEnabled ? pending & ~s.mideleg : 0;
  const toS = sEnabled ? pending & s.mideleg : 0;
  const take = toM !== 0 ? toM : toS;
  if (take === 0) return -1;
  for (const cause of INTERRUPT_PRIORITY) if (take & (1 << cause)) return cause;
  return -1;
}
