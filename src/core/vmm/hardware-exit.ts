// The exits of hardware-assisted virtualization (`hw` mode): what reaches the VMM from a
// guest running in VS- or VU-mode (Cpu.interceptGuestTraps), i.e. only what the hardware
// could not handle by itself (privileged spec, "Hypervisor Extension", "Traps"):
//   - a load or store guest-page fault on a device page (the G-stage leaves devices out):
//     the VMM decodes the instruction and performs the access on the device model, as
//     KVM emulates MMIO; counted as that device's mmio exit;
//   - a virtual-instruction exception for wfi (hstatus.VTW): the vCPU sleeps, as in `full`;
//   - everything else the guest's own kernel would have handled in M-mode (an ecall from
//     S-mode to its firmware, an exception or illegal instruction it did not delegate, a
//     virtual instruction the guest's M-mode forbids, a guest-page fault outside RAM and
//     devices): the VMM leaves VS (world-switch.ts) and reflects it into the guest's
//     virtual M-mode under trap-and-emulate, with the cause the guest's hardware would give.
// The guest's page faults, U-mode ecalls, satp writes and sfence.vma never get here.

import { ACCESS_EXECUTE } from '../isa/sv32.ts';
import { Exception, type Trap } from '../isa/trap.ts';
import { PRIV_S } from '../isa/privilege.ts';
import type { AccessWidth } from '../isa/memory.ts';
import type { ExitContext } from './exit-context.ts';
import { handleTrap } from './trap-and-emulate.ts';
import { leaveGuest } from './world-switch.ts';

const WFI = 0x10500073;

/** A guest-page fault the G-stage raised, as the access fault the guest's own hardware gives. */
const ACCESS_FAULT_OF: Record<number, number> = {
  [Exception.InstructionGuestPageFault]: Exception.InstructionAccessFault,
  [Exception.LoadGuestPageFault]: Exception.LoadAccessFault,
  [Exception.StoreGuestPageFault]: Exception.StoreAccessFault,
};

export function handleHardwareExit(vm: ExitContext, trap: Trap): void {
  if (trap.interrupt) return; // only VS-level interrupts are enabled: they never exit
  if ((trap.cause === Exception.LoadGuestPageFault || trap.cause === Exception.StoreGuestPageFault)
    && emulateMmio(vm, trap)) return;
  if (trap.cause === Exception.VirtualInstruction && (trap.insn >>> 0) === WFI) {
    sleep(vm, trap);
    return;
  }
  leaveGuest(vm.vcpu);
  handleTrap(vm, { ...asGuestTrap(trap, vm.vcpu.vpriv), virtual: false });
}

/** The trap as the guest's own hardware (M, S, U; no H) would have raised it. */
function asGuestTrap(trap: Trap, vpriv: number): Trap {
  const { guestPhysical: _gpa, ...rest } = trap;
  const access = ACCESS_FAULT_OF[trap.cause];
  if (access !== undefined) return { ...rest, cause: access };
  if (trap.cause === Exception.VirtualInstruction) return { ...rest, cause: Exception.IllegalInstruction, tval: trap.insn };
  // An ecall from VS-mode (10) is an ecall from S-mode; trap-and-emulate takes ecalls as
  // the U-mode cause plus the guest's privilege.
  if (trap.cause === Exception.EcallFromVS && vpriv === PRIV_S) return { ...rest, cause: Exception.EcallFromU };
  return rest;
}

/**
 * A device access: performs the guest's load or store on the device model at the faulting
 * guest-physical address and completes the instruction; false if it is not one.
 */
function emulateMmio(vm: ExitContext, trap: Trap): boolean {
  const gpa = trap.guestPhysical;
  const insn = trap.insn >>> 0;
  const opcode = insn & 0x7f;
  const f3 = (insn >> 12) & 7;
  if (gpa === undefined || (opcode !== 0x03 && opcode !== 0x23) || (f3 & 3) === 3) return false;
  const width = (1 << (f3 & 3)) as AccessWidth;
  const cpu = vm.vcpu.cpu;
  const length = instructionLength(vm, trap.pc);
  if (length === 0) return false;
  if (opcode === 0x03) {
    const v = vm.memory.load(gpa, width);
    if (v < 0) return false;
    const rd = (insn >> 7) & 31;
    const signed = f3 < 4;
    const value = !signed || width === 4 ? v | 0 : width === 1 ? (v << 24) >> 24 : (v << 16) >> 16;
    if (rd !== 0) cpu.x[rd] = value;
  } else {
    if (vm.memory.store(gpa, width, cpu.x[(insn >> 20) & 31]!) < 0) return false;
  }
  vm.vcpu.retire(trap.pc + length);
  return true;
}

/** 2 or 4: the length of the instruction at guest-virtual pc (0 if it cannot be read). */
function instructionLength(vm: ExitContext, pc: number): number {
  const pa = vm.vcpu.cpu.mmu.translate(pc, 2, ACCESS_EXECUTE);
  if (pa < 0) return 0;
  const half = vm.memory.readBytes(pa, 2);
  if (half === null) return 0;
  return (half[0]! & 3) === 3 ? 4 : 2;
}

/** hstatus.VTW: the guest's wfi exits, and the vCPU sleeps until a virtual interrupt. */
function sleep(vm: ExitContext, trap: Trap): void {
  const v = vm.vcpu;
  v.retire(trap.pc + 4);
  const sleeps = v.pendingInterrupts() === 0;
  v.waiting = sleeps;
  vm.exit('wfi', trap.pc, trap.insn, sleeps
    ? 'virtual instruction (hstatus.VTW): vCPU sleeps until an interrupt' : 'virtual instruction (hstatus.VTW): an interrupt is pending, continue');
}
