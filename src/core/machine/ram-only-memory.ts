// Memory that is nothing but RAM: what a virtual machine's vCPU runs on. Every address
// outside RAM is an access fault, so each device access of a guest kernel comes back to
// the hypervisor as a trap (cause 5 or 7 with the address in tval) for its device models.

import { MemoryFault, type AccessWidth, type Memory } from '../isa/memory.ts';
import type { Ram } from './ram.ts';

export class RamOnlyMemory implements Memory {
  constructor(readonly ram: Ram) {}

  /** Only reached for accesses the fast path refused: outside RAM or straddling its end. */
  load(_addr: number, _width: AccessWidth): number {
    return MemoryFault.Access;
  }

  store(_addr: number, _width: AccessWidth, _value: number): number {
    return MemoryFault.Access;
  }

  fetch(_addr: number): number {
    return MemoryFault.Access;
  }
}
