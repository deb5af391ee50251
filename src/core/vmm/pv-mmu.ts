// Paravirtualized memory management (Xen's direct paging idea, on shadows): a ported guest
// kernel does not write its page tables with plain stores, switch satp with a CSR write or
// fence with sfence.vma — each of which would be a trap under full virtualization. It asks:
//   MMU_UPDATE(list, n)   n page-table writes, each checked and applied, in one exit
//   SET_ADDRESS_SPACE(satp)  one exit instead of a csrw satp trap and an sfence.vma trap
//   TLB_FLUSH(va | all)   one exit (the shadows are kept coherent by the updates themselves)
// Because the hypervisor sees every update, it updates the shadows at once: a new leaf whose
// A (and, if writable, D) bits the guest set is installed before its first use, so the hidden
// faults of shadow paging disappear too. The first of these calls declares the guest ported:
// from then on its page tables are no longer write-protected (an unported guest under pv is
// shadowed exactly as under full). docs/hypercalls.md lists the numbers.

import { PRIV_U } from '../isa/privilege.ts';
import { PTE_R, PTE_V, PTE_W, PTE_X } from '../isa/sv32.ts';
import type { ExitContext } from './exit-context.ts';
import { hex } from './hex.ts';
import { SbiError } from './sbi.ts';

export interface MmuUpdateResult {
  error: number;
  /** Updates applied before the first refused one. */
  applied: number;
  summary: string;
}

/** MMU_UPDATE: applies `count` (address, PTE) pairs from guest RAM at `list`, in order. */
export function mmuUpdate(vm: ExitContext, list: number, count: number): MmuUpdateResult {
  const m = vm.memory;
  vm.shadow?.enterParavirtual();
  if (count > 0 && ((list & 3) !== 0 || m.readBytes(list, count * 8) === null)) {
    return { error: SbiError.InvalidAddress, applied: 0, summary: `update list 0x${hex(list)} is not in guest RAM` };
  }
  for (let i = 0; i < count; i++) {
    const at = m.readWord(list + 8 * i)!;
    const pte = m.readWord(list + 8 * i + 4)!;
    const refusal = checkUpdate(vm, at, pte);
    if (refusal) return { error: SbiError.InvalidParam, applied: i, summary: `update ${i} refused: ${refusal}` };
    m.writeWord(at, pte);
    vm.shadow?.guestPteWritten(at);
  }
  return { error: SbiError.Success, applied: count, summary: `${count} page-table update${count === 1 ? '' : 's'} applied` };
}

/**
 * The validation that makes direct updates safe (Xen's "the guest may map only its own
 * frames"): the PTE lies in guest RAM, and a valid entry points at guest RAM or a device.
 */
function checkUpdate(vm: ExitContext, at: number, pte: number): string | null {
  if ((at & 3) !== 0 || vm.memory.readWord(at) === null) return `PTE address 0x${hex(at)} is not a word of guest RAM`;
  if (!(pte & PTE_V)) return null;
  if ((pte & (PTE_R | PTE_W)) === PTE_W) return `PTE 0x${hex(pte)} is writable but not readable (reserved)`;
  const target = (pte >>> 10) * 4096;
  const leaf = (pte & (PTE_R | PTE_X)) !== 0;
  if (!leaf && vm.memory.readWord(target) === null) return `next-level table 0x${hex(target)} is not in guest RAM`;
  if (target >= 2 ** 32) return `frame 0x${hex(target / 16)}0 is above the guest's physical memory`;
  return null;
}

/** SET_ADDRESS_SPACE: the guest's satp, written without a CSR trap. */
export function setAddressSpace(vm: ExitContext, satp: number): { error: number; summary: string } {
  if (vm.vcpu.vpriv === PRIV_U) return { error: SbiError.Denied, summary: 'from user mode' };
  vm.shadow?.enterParavirtual();
  const old = vm.vcpu.vcsr.satp;
  vm.vcpu.vcsr.satp = satp | 0;
  return { error: SbiError.Success, summary: `address space 0x${hex(old)} -> 0x${hex(satp)}` };
}

/**
 * TLB_FLUSH: the current shadow forgets `va` (or everything), so a PTE the guest stored
 * directly, against the contract, takes effect as it would after sfence.vma on hardware.
 */
export function tlbFlush(vm: ExitContext, va: number): string {
  const all = va === 0xffffffff;
  vm.shadow?.flush(all ? null : va);
  return all ? 'flush all' : `flush 0x${hex(va)}`;
}
