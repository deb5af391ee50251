// The world switch of hardware-assisted virtualization (`hw` mode): loading a guest's
// supervisor state into the hart's VS-level registers before it runs with V=1 (VM entry),
// and reading it back when it exits (privileged spec, "Hypervisor Extension"; KVM's
// kvm_arch_vcpu_load/put do the same for RISC-V).
//
// The vCPU's virtual CSR file (vcpu.ts) stays the guest's whole truth between runs; while
// the guest's S or U mode runs in real VS or VU, its S-level registers live in the vs*
// CSRs, so every exit copies them back (`saveGuest`) and every entry copies them in
// (`enterGuest`). The guest's virtual M-mode cannot run in VS: it keeps running
// deprivileged in real U-mode with V=0 under trap-and-emulate, exactly as in `full` mode.
//
// What the entry sets up, and so what the hardware then does without the VMM:
//   vsstatus, vstvec, vsepc, vscause, vstval, vsscratch, vsatp  <- the guest's S registers
//   hedeleg  <- the guest's medeleg (the exceptions its S-mode handles: page faults, U-mode
//               ecalls... go straight to the guest's stvec)
//   hideleg, hvip, hie  <- the guest's mideleg, and its pending and enabled S-level
//               interrupts, as VS-level ones (taken in VS-mode, seen there as SSI/STI/SEI)
//   hcounteren, scounteren  <- the guest's mcounteren and scounteren
//   hstatus  <- VTW (so a guest wfi exits and the VMM can sleep the vCPU), and VTSR/VTVM
//               when the guest's own mstatus has TSR/TVM
//   hgatp  <- the VM's G-stage table (g-stage-table.ts)

import {
  HEDELEG_WRITABLE, HSTATUS_VTSR, HSTATUS_VTVM, HSTATUS_VTW, MEDELEG_WRITABLE_H,
} from '../isa/hypervisor-extension.ts';
import {
  MIP_S_LEVEL, MIP_SSIP, MIP_VSSIP, MSTATUS_TSR, MSTATUS_TVM, PRIV_M, PRIV_U, SSTATUS_MASK,
} from '../isa/privilege.ts';
import type { VCpu } from './vcpu.ts';

/**
 * VM entry: the guest (in its virtual S- or U-mode) runs in VS- or VU-mode with its own
 * registers and the VMM's G-stage table.
 */
export function enterGuest(v: VCpu, hgatp: number): void {
  const cpu = v.cpu;
  const g = v.vcsr;
  const s = cpu.csr;
  const h = s.h;
  h.vsstatus = g.mstatus & SSTATUS_MASK;
  h.vstvec = g.stvec;
  h.vsepc = g.sepc;
  h.vscause = g.scause;
  h.vstval = g.stval;
  h.vsscratch = g.sscratch;
  // The guest changed address space (or the VMM its table) while out: no stale entries.
  if (h.vsatp !== g.satp || h.hgatp !== hgatp) cpu.mmu.fenceGuest(null);
  h.vsatp = g.satp;
  h.hgatp = hgatp;
  s.medeleg = MEDELEG_WRITABLE_H;
  h.hedeleg = g.medeleg & HEDELEG_WRITABLE;
  const sLevel = g.mideleg & MIP_S_LEVEL;
  h.hideleg = sLevel << 1;
  h.hvip = (g.mip() & sLevel) << 1;
  s.mie = (g.mie & sLevel) << 1;
  s.mcounteren = 7;
  h.hcounteren = g.mcounteren;
  s.scounteren = g.scounteren;
  h.hstatus = HSTATUS_VTW | (g.mstatus & MSTATUS_TSR ? HSTATUS_VTSR : 0) | (g.mstatus & MSTATUS_TVM ? HSTATUS_VTVM : 0);
  s.mstatus = 0;
  cpu.priv = v.vpriv;
  cpu.virt = true;
}

/**
 * After a run with V=1: the guest's S-level registers back into its virtual CSR file (what
 * the guest's own code and the hardware changed in them), and its privilege. V stays.
 */
export function saveGuest(v: VCpu): void {
  const cpu = v.cpu;
  if (!cpu.virt) return;
  const g = v.vcsr;
  const h = cpu.csr.h;
  g.mstatus = (g.mstatus & ~SSTATUS_MASK) | (h.vsstatus & SSTATUS_MASK);
  g.stvec = h.vstvec;
  g.sepc = h.vsepc;
  g.scause = h.vscause;
  g.stval = h.vstval;
  g.sscratch = h.vsscratch;
  g.satp = h.vsatp;
  g.scounteren = cpu.csr.scounteren;
  const sLevel = g.mideleg & MIP_S_LEVEL;
  g.mie = (g.mie & ~sLevel) | ((cpu.csr.mie >>> 1) & sLevel);
  // The guest may clear (or set) its own software interrupt through sip: hvip.VSSIP.
  if (sLevel & MIP_SSIP) g.mipSoft = (g.mipSoft & ~MIP_SSIP) | ((h.hvip & MIP_VSSIP) >>> 1);
  v.vpriv = cpu.priv;
}

/**
 * Back to the guest's virtual M-mode (after saveGuest): V=0, the hart deprivileged in
 * U-mode again, where trap-and-emulate takes over.
 */
export function leaveGuest(v: VCpu): void {
  v.cpu.virt = false;
  v.cpu.priv = PRIV_U;
}

/** Does the guest run in VS/VU now (its virtual S or U mode), or must it be deprivileged? */
export function runsInGuestMode(v: VCpu): boolean {
  return v.vpriv !== PRIV_M;
}
