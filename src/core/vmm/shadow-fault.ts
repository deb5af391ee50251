// The exits of shadow paging (shadow-page-table.ts). A real page fault taken while the guest
// runs on a shadow is hidden from the guest when the shadow was merely not filled yet, when
// the page was clean (dirty-bit emulation) or when it is a store to a write-protected guest
// page table; otherwise the guest's own walk fails too, and the fault is reflected to the
// guest exactly as its hardware would raise it (privileged spec 4.3.2, 3.1.15).

import { Exception, type Trap } from '../isa/trap.ts';
import { ACCESS_EXECUTE, ACCESS_READ, ACCESS_WRITE, type Access } from '../isa/sv32.ts';
import type { ExitContext } from './exit-context.ts';
import { hex } from './hex.ts';

const ACCESS_OF: Record<number, Access> = {
  [Exception.InstructionPageFault]: ACCESS_EXECUTE,
  [Exception.LoadPageFault]: ACCESS_READ,
  [Exception.StorePageFault]: ACCESS_WRITE,
};

const ACCESS_FAULT_OF: Record<number, number> = {
  [ACCESS_EXECUTE]: Exception.InstructionAccessFault,
  [ACCESS_READ]: Exception.LoadAccessFault,
  [ACCESS_WRITE]: Exception.StoreAccessFault,
};

/** Handles a real page fault under a shadow; false if the trap is not one (or no shadow is in use). */
export function handleShadowFault(vm: ExitContext, trap: Trap): boolean {
  const shadow = vm.shadow;
  const access = ACCESS_OF[trap.cause];
  if (shadow === null || access === undefined || shadow.currentKey === null) return false;
  const va = trap.tval >>> 0;
  const r = shadow.fill(va, access, vm.guestTranslation());
  switch (r.kind) {
    case 'filled':
      vm.exit('shadow-fill', trap.pc, trap.insn, `hidden fault: shadow of 0x${hex(va)} filled from the guest's page table`);
      return true;
    case 'dirty':
      vm.exit('shadow-dirty', trap.pc, trap.insn, `first store to 0x${hex(va)}: guest PTE marked dirty, shadow made writable`);
      return true;
    case 'page-table-write':
      shadow.allowWrite(va, r.guestPage);
      vm.singleStep();
      shadow.pageTableWritten(r.guestPage);
      vm.exit('pt-write', trap.pc, trap.insn,
        `store to guest page table 0x${hex(r.guestPage * 4096)} (via 0x${hex(va)}) emulated; shadows derived from it dropped`);
      return true;
    case 'guest-fault': {
      const cause = r.pageFault ? trap.cause : ACCESS_FAULT_OF[access]!;
      vm.deliverTrap(cause, va, false, trap.pc);
      vm.exit('page-fault-reflect', trap.pc, trap.insn,
        `guest's own ${r.pageFault ? 'page' : 'access'} fault at 0x${hex(va)} reflected to 0x${hex(vm.vcpu.cpu.pc)}`);
      return true;
    }
  }
}
