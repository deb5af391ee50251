// Which privilege mode takes a trap (RISC-V privileged spec 3.1.8 and 3.1.9; with the H
// extension, "Hypervisor Trap Delegation Registers" and "Trap Entry").
//
// A trap is taken in M-mode unless its bit is set in medeleg (exceptions) or mideleg
// (interrupts) and it happens in S- or U-mode: then S-mode (HS-mode) takes it. A trap never
// moves to a less privileged mode, so a delegated trap raised in M-mode stays in M-mode.
// With H, a trap delegated to HS-mode that happens while V=1 goes on to VS-mode when its
// bit is set in hedeleg or hideleg; a trap taken while V=0 never goes to VS-mode.

import type { CsrFile } from './csr.ts';
import { INTERRUPT_PRIORITY, MSTATUS_MIE, MSTATUS_SIE, PRIV_M, PRIV_S, PRIV_U } from './privilege.ts';

/** trapTarget's answer for VS-mode (V stays 1, privilege S). */
export const TARGET_VS = 2;

/** The mode that handles this trap when it is raised at `priv` (and V = `virt`). */
export function trapTarget(s: CsrFile, priv: number, cause: number, interrupt: boolean, virt = false): number {
  if (priv === PRIV_M) return PRIV_M;
  const deleg = interrupt ? s.delegatedInterrupts() : s.medeleg;
  if (cause >= 32 || !((deleg >>> cause) & 1)) return PRIV_M;
  if (!virt) return PRIV_S;
  const hdeleg = interrupt ? s.h.hideleg : s.h.hedeleg;
  return (hdeleg >>> cause) & 1 ? TARGET_VS : PRIV_S;
}

/**
 * 3.1.9: the interrupt the hart takes now at `priv` (and V = `virt`), or -1. An M-level
 * interrupt (not delegated) is enabled below M-mode, or in M-mode with MIE; an HS-level one
 * (in mideleg, not hideleg) while V=1, below S-mode, or in S-mode with SIE, never in M-mode;
 * a VS-level one (in hideleg) only while V=1: in VU-mode, or in VS-mode with vsstatus.SIE
 * ("Hypervisor Interrupt Registers"). M-level interrupts come first, then HS-level, then
 * VS-level, each by the fixed priority of INTERRUPT_PRIORITY.
 */
export function pendingInterrupt(s: CsrFile, priv: number, virt = false): number {
  const pending = s.mip() & s.mie;
  if (pending === 0) return -1;
  const deleg = s.delegatedInterrupts();
  const hideleg = s.h.hideleg;
  const mEnabled = priv < PRIV_M || (s.mstatus & MSTATUS_MIE) !== 0;
  const sEnabled = virt || priv < PRIV_S || (priv === PRIV_S && (s.mstatus & MSTATUS_SIE) !== 0);
  const vsEnabled = virt && (priv === PRIV_U || (s.h.vsstatus & MSTATUS_SIE) !== 0);
  const toM = mEnabled ? pending & ~deleg : 0;
  const toS = sEnabled ? pending & deleg & ~hideleg : 0;
  const toVS = vsEnabled ? pending & deleg & hideleg : 0;
  const take = toM !== 0 ? toM : toS !== 0 ? toS : toVS;
  if (take === 0) return -1;
  for (const cause of INTERRUPT_PRIORITY) if (take & (1 << cause)) return cause;
  return -1;
}
