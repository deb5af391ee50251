// Trap and emulate (Popek and Goldberg): the guest kernel runs deprivileged, so each of its
// privileged instructions traps to the VMM, which checks it against the guest's *virtual*
// privilege and either emulates it on the virtual state or reflects the trap into the
// guest's own trap vector, exactly as bare hardware would have trapped.
//
// What reaches here is a Trap from the real CPU running the guest in U-mode (isa/trap.ts);
// no CSR of the host has changed and pc is the faulting instruction's.

import { causeName, Exception, type Trap } from '../isa/trap.ts';
import {
  MIP_MTIP, MSTATUS_TSR, MSTATUS_TVM, MSTATUS_TW, PRIV_M, PRIV_S, PRIV_U,
} from '../isa/privilege.ts';
import { CSR } from '../isa/csr.ts';
import { csrName, emulateCsr, isCsrInstruction } from './csr-emulation.ts';
import { handleHypercall } from './hypercall.ts';
import { hex } from './hex.ts';
import type { ExitContext } from './exit-context.ts';
import { handleShadowFault } from './shadow-fault.ts';

const MRET = 0x30200073;
const SRET = 0x10200073;
const WFI = 0x10500073;

export function handleTrap(vm: ExitContext, trap: Trap): void {
  if (trap.interrupt) return; // the host CPU's own interrupts are off: nothing to do
  const vpriv = vm.vcpu.vpriv;
  if (trap.cause === Exception.IllegalInstruction && emulate(vm, trap)) return;
  if (handleShadowFault(vm, trap)) return;
  if (trap.cause === Exception.EcallFromU) {
    if (vpriv !== PRIV_U && vm.mode === 'pv') {
      handleHypercall(vm, trap);
      return;
    }
    // 3.3.1: an ecall reports the mode it came from (8 + U 0, S 1, M 3).
    reflect(vm, trap, Exception.EcallFromU + vpriv, 'ecall-reflect');
    return;
  }
  reflect(vm, trap, trap.cause, 'fault-reflect');
}

/** Emulates a privileged instruction the guest is allowed to execute; false if it is not. */
function emulate(vm: ExitContext, trap: Trap): boolean {
  const v = vm.vcpu;
  const insn = trap.insn >>> 0;
  if (isCsrInstruction(insn)) {
    const r = emulateCsr(v, insn);
    if (!r.ok) return false;
    const name = csrName(r.num);
    if (r.num === CSR.satp && r.written !== null) {
      vm.exit('satp-write', trap.pc, insn, `guest address space 0x${hex(r.old)} -> 0x${hex(v.vcsr.satp)}`);
    } else if (r.written === null) {
      vm.exit('csr-read', trap.pc, insn, `read ${name} = 0x${hex(r.old)}`);
    } else {
      vm.exit('csr-write', trap.pc, insn, `${name} 0x${hex(r.old)} -> 0x${hex(v.vcsr.read(r.num) ?? 0)}`);
    }
    return true;
  }
  const mstatus = v.vcsr.mstatus;
  if (v.vpriv === PRIV_U) return false; // xRET, wfi and sfence.vma are illegal in U-mode
  const inS = v.vpriv === PRIV_S;
  if (insn === MRET) {
    if (inS) return false; // 3.3.2
    v.mret();
    vm.exit('mret', trap.pc, insn, `mret to 0x${hex(v.cpu.pc)} in ${PRIV_NAME[v.vpriv]}-mode`);
    return true;
  }
  if (insn === SRET) {
    if (inS && (mstatus & MSTATUS_TSR)) return false; // 3.1.6.5
    v.sret();
    vm.exit('sret', trap.pc, insn, `sret to 0x${hex(v.cpu.pc)} in ${PRIV_NAME[v.vpriv]}-mode`);
    return true;
  }
  if ((insn & 0xfe007fff) === 0x12000073) { // 4.2.1 SFENCE.VMA
    if (inS && (mstatus & MSTATUS_TVM)) return false; // 3.1.6.5
    v.retire(trap.pc + 4);
    // The shadows follow every guest page-table write, so a fence has nothing to resynchronize.
    vm.exit('sfence', trap.pc, insn, vm.shadow ? 'TLB fence: shadows are already coherent' : 'TLB fence');
    return true;
  }
  if (insn === WFI) {
    if (inS && (mstatus & MSTATUS_TW)) return false; // 3.1.6.5
    v.retire(trap.pc + 4);
    const sleeps = v.pendingInterrupts() === 0;
    v.waiting = sleeps;
    const timer = (v.vcsr.mie & MIP_MTIP) !== 0;
    vm.exit('wfi', trap.pc, insn, sleeps
      ? `vCPU sleeps until ${timer ? 'its virtual timer' : 'an interrupt'}` : 'an interrupt is pending: continue');
    return true;
  }
  return false;
}

const PRIV_NAME: Record<number, string> = { [PRIV_M]: 'M', [PRIV_S]: 'S', [PRIV_U]: 'U' };

/** Delivers the guest's own trap to the guest's trap vector with the right cause. */
function reflect(vm: ExitContext, trap: Trap, cause: number, exitCause: string): void {
  vm.deliverTrap(cause, trap.tval, false, trap.pc);
  vm.exit(exitCause, trap.pc, trap.insn,
    `reflected ${causeName(cause, false)} (mcause ${cause}, mtval 0x${hex(trap.tval)}) to 0x${hex(vm.vcpu.cpu.pc)}`);
}
