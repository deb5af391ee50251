// A VM as the VMM's exit handlers see it (trap-and-emulate.ts, hypercall.ts): its vCPU
// and guest memory, the exit log, and the services a handler may call. Vm implements it;
// the handlers depend on this narrow view instead of the whole VM (and vm.ts on them).

import type { VmMode } from '../run-result.ts';
import type { GuestMemory } from './guest-memory.ts';
import type { GuestTranslation, ShadowPageTables } from './shadow-page-table.ts';
import type { VCpu } from './vcpu.ts';

export interface ExitContext {
  readonly mode: VmMode;
  readonly vcpu: VCpu;
  readonly memory: GuestMemory;
  /** Guest-physical address of the PV shared page, or 0. */
  readonly sharedPage: number;
  /** The shadow page tables of a VM (full and pv), or null. */
  readonly shadow: ShadowPageTables | null;
  /** The guest's satp, privilege and mstatus: what its own MMU would translate with. */
  guestTranslation(): GuestTranslation;
  /** Executes the one instruction at the guest's pc on the real CPU (its traps handled). */
  singleStep(): void;
  /** Counts an exit, charges its cost to the guest's clock and logs it. */
  exit(cause: string, pc: number, insn: number, action: string): void;
  /** Delivers a trap to the guest kernel (virtual CSRs and mtvec, or the PV shared page). */
  deliverTrap(cause: number, tval: number, interrupt: boolean, epc: number): void;
  /** Loads pc and x1..x31 from a frame in guest RAM; false if the frame is not in RAM. */
  loadFrame(frame: number): boolean;
  powerOff(code: number): void;
  /** Registers (or with 0 removes) the PV shared page; false if the address is unusable. */
  registerSharedPage(addr: number): boolean;
  requestReset(): void;
  requestYield(): void;
  writeConsole(bytes: Uint8Array): void;
}
