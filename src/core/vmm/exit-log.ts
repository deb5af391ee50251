// Exits as first-class data: every VM exit is counted by cause, charged to the guest's
// virtual clock under the cost model, and kept in a bounded log (oldest dropped first).
//
// Cause names (stable: the CLI's --json, lessons and the UI key on them):
//   csr-read, csr-write       a CSR instruction emulated on the virtual CSRs
//   mret, sret, wfi           privileged instructions emulated
// Memory exits (full virtualization of a paging guest, shadow-page-table.ts):
//   satp-write                the guest switched address spaces (a shadow is selected)
//   sfence                    the guest's sfence.vma (the shadows are already coherent)
//   shadow-fill               a hidden page fault: the shadow was filled from the guest's table
//   shadow-dirty              the first store to a clean page: the guest's D bit emulated
//   pt-write                  a store into a write-protected guest page table
//   page-fault-reflect        the guest's own page fault delivered to its trap vector
//   mmu-hypercall             a paravirtual page-table update, address-space switch or flush
// (isMemoryExit below tells these apart from the rest; page-fault-reflect is the guest's own
// fault, taken on bare hardware too, so it is not counted as a memory-virtualization exit.)
//   mmio-read:DEV, mmio-write:DEV   a device register access (DEV = uart, clint, power-off,
//                             plic, virtio)
//   ecall-reflect             the guest's U-mode ecall delivered to its own trap vector
//   fault-reflect             any other guest exception delivered to its trap vector
//   interrupt-inject          a virtual interrupt delivered to the guest
//   hypercall                 an SBI call from a paravirtualized guest kernel
// Under hardware-assisted virtualization (`hw`, hardware-exit.ts) the same names are used:
// a device access caught as a guest-page fault is still mmio-*, a wfi caught as a virtual
// instruction still wfi; the guest's own paging never exits, so no memory exit but the
// satp writes of its virtual M-mode.

import type { ExitEvent } from '../run-result.ts';

/** Exits that exist only because the guest's memory is virtualized (shadow or paravirtual MMU). */
export const MEMORY_EXIT_CAUSES: readonly string[] = [
  'satp-write', 'sfence', 'shadow-fill', 'shadow-dirty', 'pt-write', 'mmu-hypercall',
];

export function isMemoryExit(cause: string): boolean {
  return MEMORY_EXIT_CAUSES.includes(cause);
}

/** Memory-virtualization exits in a by-cause count. */
export function memoryExits(byCause: Record<string, number>): number {
  let n = 0;
  for (const cause of MEMORY_EXIT_CAUSES) n += byCause[cause] ?? 0;
  return n;
}

export const EXIT_LOG_STATE_VERSION = 1;
export const DEFAULT_EXIT_LOG_SIZE = 256;

export interface ExitLogState {
  kind: 'exit-log';
  version: number;
  total: number;
  byCause: Record<string, number>;
  costByCause: Record<string, number>;
  events: ExitEvent[];
}

export class ExitLog {
  total = 0;
  readonly byCause: Record<string, number> = {};
  /** Overhead cycles charged, by cause. */
  readonly costByCause: Record<string, number> = {};
  private events: ExitEvent[] = [];

  constructor(readonly capacity: number = DEFAULT_EXIT_LOG_SIZE) {}

  record(cause: string, cycle: number, pc: number, insn: number, action: string, cost: number): void {
    this.byCause[cause] = (this.byCause[cause] ?? 0) + 1;
    this.costByCause[cause] = (this.costByCause[cause] ?? 0) + cost;
    if (this.capacity > 0) {
      if (this.events.length >= this.capacity) this.events.shift();
      this.events.push({ seq: this.total, cause, cycle, pc: pc >>> 0, insn: insn >>> 0, action, cost });
    }
    this.total++;
  }

  /** The most recent exits, oldest first. */
  recent(): ExitEvent[] {
    return this.events.map((e) => ({ ...e }));
  }

  getState(): ExitLogState {
    return {
      kind: 'exit-log', version: EXIT_LOG_STATE_VERSION, total: this.total,
      byCause: { ...this.byCause }, costByCause: { ...this.costByCause }, events: this.recent(),
    };
  }

  setState(s: ExitLogState): void {
    this.total = s.total;
    replace(this.byCause, s.byCause);
    replace(this.costByCause, s.costByCause);
    this.events = s.events.map((e) => ({ ...e }));
  }
}

function replace(target: Record<string, number>, source: Record<string, number>): void {
  for (const k of Object.keys(target)) delete target[k];
  Object.assign(target, source);
}
