// Trap and emulate (Popek and Goldberg): the guest kernel runs deprivileged, so each of its
// privileged instructions traps to the VMM, which checks it against the guest's *virtual*
// privilege and either emulates it on the virtual state or reflects the trap into the
// guest's own trap vector, exactly as bare hardware would have trapped.
//
// What reaches here is a Trap from the real CPU running the guest in U-mode (isa/trap.ts);
// no CSR of the host has changed and pc is the faulting instruction's.

import { causeName, Exception, type Trap } from '../isa/trap.ts';
import { MIP_MTIP, PRIV_M } from '../isa/privilege.ts';
import { csrName, emulateCsr, isCsrInstruction } from './csr-emulation.ts';
import { handleHypercall } from './hypercall.ts';
import { hex } from './hex.ts';
import type { ExitContext } from './exit-context.ts';

const MRET = 0x30200073;
const WFI = 0x10500073;

export function handleTrap(vm: ExitContext, trap: Trap): void {
  if (trap.interrupt) return; // the host CPU's own interrupts are off: nothing to do
  const kernel = vm.vcpu.vpriv === PRIV_M;
  if (trap.cause === Exception.IllegalInstruction && emulate(vm, trap)) return;
  if (trap.cause === Exception.EcallFromU) {
    if (kernel && vm.mode === 'pv') {
      handleHypercall(vm, trap);
      return;
    }
    // 3.3.1: an ecall reports the mode it came from; the guest kernel's is M-mode's.
    reflect(vm, trap, kernel ? Exception.EcallFromM : Exception.EcallFromU, 'ecall-reflect');
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
    if (r.written === null) {
      vm.exit('csr-read', trap.pc, insn, `read ${name} = 0x${hex(r.old)}`);
    } else {
      vm.exit('csr-write', trap.pc, insn, `${name} 0x${hex(r.old)} -> 0x${hex(v.vcsr.read(r.num) ?? 0)}`);
    }
    return true;
  }
  if (v.vpriv !== PRIV_M) return false; // mret and wfi are illegal in U-mode (3.3.2, 3.3.3)
  if (insn === MRET) {
    v.mret();
    vm.exit('mret', trap.pc, insn, `mret to 0x${hex(v.cpu.pc)} in ${v.vpriv === PRIV_M ? 'M' : 'U'}-mode`);
    return true;
  }
  if (insn === WFI) {
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

/** Delivers the guest's own trap to the guest's trap vector with the right cause. */
function reflect(vm: ExitContext, trap: Trap, cause: number, exitCause: string): void {
  vm.deliverTrap(cause, trap.tval, false, trap.pc);
  vm.exit(exitCause, trap.pc, trap.insn,
    `reflected ${causeName(cause, false)} (mcause ${cause}, mtval 0x${hex(trap.tval)}) to 0x${hex(vm.vcpu.cpu.pc)}`);
}
